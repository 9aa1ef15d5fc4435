package io.eventstreamcore.engine.classify;

/**
 * Remembers event ids for a time window, bounded in keys, with no allocation per check.
 *
 * <p>An open-addressing table of {@code long} keys (linear probing, backward-shift deletion)
 * indexes a FIFO of (key, first-seen time). Keys leave the FIFO in insertion order, either when
 * they are older than the window or, when the table holds {@code maxKeys}, to make room: then the
 * oldest key is forgotten early, which is counted. Key 0 means "no id" and is never stored.
 *
 * <p>Single-threaded: owned by the classify stage.
 */
public final class DedupWindow {
  /** Upper bound of {@code maxKeys}: 2^26 keys take about 2 GiB. */
  public static final int MAX_KEYS = 1 << 26;

  private final long windowMillis;
  private final int maxKeys;
  private final long[] table;
  private final int tableMask;
  private final long[] fifoKeys;
  private final long[] fifoTimes;
  private int fifoHead;
  private int size;
  private long evictedEarly;

  /** Creates a window of {@code windowMillis} holding at most {@code maxKeys} ids. */
  public DedupWindow(long windowMillis, int maxKeys) {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException("dedup window must be positive: " + windowMillis);
    }
    if (maxKeys < 1 || maxKeys > MAX_KEYS) {
      throw new IllegalArgumentException(
          "dedup max-keys out of range 1.." + MAX_KEYS + ": " + maxKeys);
    }
    this.windowMillis = windowMillis;
    this.maxKeys = maxKeys;
    int tableSize = Integer.highestOneBit(maxKeys - 1 | 1) << 2; // load factor <= 0.5
    this.table = new long[tableSize];
    this.tableMask = tableSize - 1;
    this.fifoKeys = new long[maxKeys];
    this.fifoTimes = new long[maxKeys];
  }

  /**
   * Returns true when {@code id} was seen within the window before {@code nowMillis}; otherwise
   * remembers it and returns false.
   */
  public boolean checkAndRecord(long id, long nowMillis) {
    if (id == 0) {
      return false;
    }
    expire(nowMillis);
    int slot = indexOf(id);
    if (table[slot] == id) {
      return true;
    }
    if (size == maxKeys) {
      removeOldest();
      evictedEarly++;
      slot = indexOf(id);
    }
    add(slot, id, nowMillis);
    return false;
  }

  /**
   * Remembers {@code id} as first seen at {@code receivedMillis}: the rebuild of the window from
   * stored events at start. Ids must come oldest first, as they were stored; when the table is full
   * the oldest is forgotten to make room, so that the newest {@code maxKeys} stay (not counted as
   * {@link #evictedEarly()}: that is the rebuild's choice, not a loss). An id already remembered
   * keeps its first time. Nothing expires here: the first {@link #checkAndRecord} expires what is
   * older than the window by then, so the caller skips older ids only to save the work.
   *
   * <p>Called before the classify stage starts, on the thread that then starts it: the window is
   * still owned by one thread at a time, and the start publishes it to the stage.
   *
   * @return true when {@code id} was added
   */
  public boolean preload(long id, long receivedMillis) {
    if (id == 0) {
      return false;
    }
    int slot = indexOf(id);
    if (table[slot] == id) {
      return false;
    }
    if (size == maxKeys) {
      removeOldest();
      slot = indexOf(id);
    }
    add(slot, id, receivedMillis);
    return true;
  }

  private void add(int slot, long id, long timeMillis) {
    table[slot] = id;
    int tail = fifoHead + size;
    if (tail >= maxKeys) {
      tail -= maxKeys;
    }
    fifoKeys[tail] = id;
    fifoTimes[tail] = timeMillis;
    size++;
  }

  /** The window's length in milliseconds. */
  public long windowMillis() {
    return windowMillis;
  }

  /** Number of ids remembered now. */
  public int size() {
    return size;
  }

  /** Number of ids forgotten before their window ended because the table was full. */
  public long evictedEarly() {
    return evictedEarly;
  }

  private void expire(long nowMillis) {
    long oldestAllowed = nowMillis - windowMillis;
    while (size > 0 && fifoTimes[fifoHead] <= oldestAllowed) {
      removeOldest();
    }
  }

  private void removeOldest() {
    delete(fifoKeys[fifoHead]);
    fifoHead = fifoHead + 1 == maxKeys ? 0 : fifoHead + 1;
    size--;
  }

  /** Index holding {@code id}, or the empty index where it would go. */
  private int indexOf(long id) {
    int i = hash(id) & tableMask;
    while (table[i] != 0 && table[i] != id) {
      i = (i + 1) & tableMask;
    }
    return i;
  }

  private void delete(long id) {
    int hole = indexOf(id);
    if (table[hole] == 0) {
      return;
    }
    table[hole] = 0;
    // Backward-shift: move later entries of the probe run into the hole when their home allows.
    int i = (hole + 1) & tableMask;
    while (table[i] != 0) {
      int home = hash(table[i]) & tableMask;
      boolean movable = ((i - home) & tableMask) >= ((i - hole) & tableMask);
      if (movable) {
        table[hole] = table[i];
        table[i] = 0;
        hole = i;
      }
      i = (i + 1) & tableMask;
    }
  }

  /**
   * Home slot of {@code id} (before masking). Ids that differ only in their low three bits share a
   * block of eight slots, one 64-byte cache line: ids a producer issues in sequence then cost one
   * cache miss per eight checks, and so do their evictions, which come in the same order. The
   * block's place is a full mix of the rest, so blocks spread over the whole table and unrelated
   * ids fare as with any hash.
   */
  private static int hash(long id) {
    long h = id >>> 3;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return ((int) h << 3) | ((int) id & 7);
  }
}
