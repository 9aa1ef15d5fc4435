package io.eventstreamcore.engine.classify;

import io.eventstreamcore.engine.event.Priority;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Maps topic bytes to a topic entry (id, interned name, configured priority) without allocating for
 * topics already seen. A topic seen for the first time is interned once; after {@code maxTopics}
 * distinct topics, further new topics share the {@link #OVERFLOW_TOPIC} entry: their events are
 * stored with their own topic bytes, but processors see the topic as {@code _overflow}, so they
 * share windows and only topic-wide ({@code *}) alert rules match them. So does a topic longer than
 * {@link #MAX_INTERNED_TOPIC_BYTES} not in the topic table: interned topics are kept for good, and
 * a client sending long ones could otherwise fill memory with them.
 *
 * <p>Single-threaded: owned by the classify stage. Entries are immutable and may be read by later
 * stages.
 */
public final class TopicIndex {
  /** Name of the shared entry for topics beyond the bound. */
  public static final String OVERFLOW_TOPIC = "_overflow";

  /** Longest topic interned when first seen in traffic, in UTF-8 bytes (Kafka allows 249). */
  public static final int MAX_INTERNED_TOPIC_BYTES = 256;

  /** One known topic. */
  public static final class Entry {
    private final byte[] bytes;
    private final int hash;
    private final String name;
    private final int id;
    private final boolean shared;
    // Written by the classify stage only (at a reload); read by it for every event.
    private Priority configured;

    Entry(byte[] bytes, int hash, int id, Priority configured, boolean shared) {
      this.bytes = bytes;
      this.hash = hash;
      this.name = new String(bytes, StandardCharsets.UTF_8);
      this.id = id;
      this.configured = configured;
      this.shared = shared;
    }

    /** The topic. */
    public String name() {
      return name;
    }

    /** Dense id, 0-based, in order of first sight. */
    public int id() {
      return id;
    }

    /** Whether this is the entry shared by the topics beyond the bound. */
    public boolean shared() {
      return shared;
    }

    /** Priority from the topic table, or null when the topic is not listed. */
    public Priority configured() {
      return configured;
    }
  }

  private final Entry[] table;
  private final int mask;
  private final int maxTopics;
  private final Entry overflow;
  private int count;
  private long overflowed;

  /** Creates an index preloaded with the topic table. */
  public TopicIndex(Map<String, Priority> topicTable, int maxTopics) {
    if (maxTopics < topicTable.size() || maxTopics < 1) {
      throw new IllegalArgumentException(
          "topics max (" + maxTopics + ") must cover the topic table (" + topicTable.size() + ")");
    }
    this.maxTopics = maxTopics;
    int size = Integer.highestOneBit(maxTopics) << 2;
    this.table = new Entry[size];
    this.mask = size - 1;
    for (Map.Entry<String, Priority> e : topicTable.entrySet()) {
      byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
      insert(bytes, hash(bytes, bytes.length), e.getValue());
    }
    byte[] overflowBytes = OVERFLOW_TOPIC.getBytes(StandardCharsets.UTF_8);
    this.overflow = new Entry(overflowBytes, 0, maxTopics, null, true);
  }

  /** The entry for the topic in {@code bytes[0..length)}; interns it when first seen. */
  public Entry resolve(byte[] bytes, int length) {
    int h = hash(bytes, length);
    Entry e = lookup(bytes, length, h);
    if (e != null) {
      return e;
    }
    if (count >= maxTopics || length > MAX_INTERNED_TOPIC_BYTES) {
      overflowed++;
      return overflow;
    }
    return insert(Arrays.copyOf(bytes, length), h, null);
  }

  private Entry lookup(byte[] bytes, int length, int h) {
    int i = h & mask;
    Entry e;
    while ((e = table[i]) != null) {
      if (e.hash == h && Arrays.equals(e.bytes, 0, e.bytes.length, bytes, 0, length)) {
        return e;
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  /**
   * Applies a new topic table: every known topic takes its priority from it (or none when it is no
   * longer listed), and listed topics not yet seen are interned while there is room. Returns the
   * number of listed topics that found no room (they stay unlisted).
   */
  public int reconfigure(Map<String, Priority> topicTable) {
    for (Entry e : table) {
      if (e != null) {
        e.configured = topicTable.get(e.name);
      }
    }
    int dropped = 0;
    for (Map.Entry<String, Priority> listed : topicTable.entrySet()) {
      byte[] bytes = listed.getKey().getBytes(StandardCharsets.UTF_8);
      int h = hash(bytes, bytes.length);
      Entry e = lookup(bytes, bytes.length, h);
      if (e != null) {
        e.configured = listed.getValue();
      } else if (count < maxTopics) {
        insert(bytes, h, listed.getValue()); // listed: interned whatever its length
      } else {
        dropped++;
      }
    }
    return dropped;
  }

  /** Number of distinct topics interned. */
  public int size() {
    return count;
  }

  /** Number of events whose topic found the index full. */
  public long overflowed() {
    return overflowed;
  }

  private Entry insert(byte[] bytes, int h, Priority configured) {
    int i = h & mask;
    while (table[i] != null) {
      i = (i + 1) & mask;
    }
    Entry e = new Entry(bytes, h, count++, configured, false);
    table[i] = e;
    return e;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Hashes eight bytes at a time: topics are looked up for every event. */
  private static int hash(byte[] bytes, int length) {
    long h = 0x9E3779B97F4A7C15L ^ length;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      h = (h ^ (long) LONGS.get(bytes, i)) * 0xff51afd7ed558ccdL;
      h ^= h >>> 29;
    }
    for (; i < length; i++) {
      h = (h ^ bytes[i]) * 0xc4ceb9fe1a85ec53L;
    }
    h ^= h >>> 32;
    return (int) h ^ (int) (h >>> 16);
  }
}
