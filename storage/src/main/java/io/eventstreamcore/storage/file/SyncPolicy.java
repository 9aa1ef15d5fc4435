package io.eventstreamcore.storage.file;

/** When the file log forces its writes to the disk. */
public enum SyncPolicy {
  /** fsync at every commit, before the events are acknowledged; one fsync covers a whole batch. */
  ALWAYS,
  /** Leave it to the operating system: survives a process crash, not a power loss. */
  NEVER
}
