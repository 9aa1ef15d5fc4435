package io.eventstreamcore.storage.file;

/** When the file log forces its writes to the disk. */
public enum SyncPolicy {
  /**
   * fsync at every commit, before the events are acknowledged; one fsync covers a whole ring batch
   * (group commit), so the events per fsync grow with the load. An ACKed event survives a power
   * loss.
   */
  ALWAYS,
  /**
   * fsync from a background thread at most once per {@code sync-interval}, and only when something
   * was written since the last one. Acknowledgements do not wait for it: an ACKed event survives a
   * process crash at once, and a power loss once the next interval's fsync has run.
   */
  INTERVAL,
  /**
   * Leave it to the operating system: an ACKed event survives a process crash, not a power loss.
   */
  NEVER
}
