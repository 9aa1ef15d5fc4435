package io.eventstreamcore.engine.event;

/** Event priority as carried in bits 0-2 of a frame's head byte (shared/PROTOCOL.md). */
public enum Priority {
  BATCH,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  private static final Priority[] BY_CODE = values();

  /** The wire code of this priority, 0..4. */
  public int code() {
    return ordinal();
  }

  /**
   * The priority for a wire code.
   *
   * @throws IllegalArgumentException when the code is outside 0..4
   */
  public static Priority ofCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new IllegalArgumentException("priority code out of range 0..4: " + code);
    }
    return BY_CODE[code];
  }

  /** True for codes 0..4. */
  public static boolean isValidCode(int code) {
    return code >= 0 && code < BY_CODE.length;
  }

  /** The higher of two priorities. */
  public static Priority max(Priority a, Priority b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  /** The lower of two priorities. */
  public static Priority min(Priority a, Priority b) {
    return a.ordinal() <= b.ordinal() ? a : b;
  }
}
