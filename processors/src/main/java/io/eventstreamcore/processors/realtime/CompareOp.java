package io.eventstreamcore.processors.realtime;

/** How an alert condition compares its measured value with the rule's threshold. */
public enum CompareOp {
  /** Measured value over the threshold. */
  GT(">"),
  /** Measured value at or over the threshold. */
  GE(">="),
  /** Measured value under the threshold. */
  LT("<"),
  /** Measured value at or under the threshold. */
  LE("<="),
  /** Measured value equal to the threshold. */
  EQ("=="),
  /** Measured value not equal to the threshold. */
  NE("!=");

  private final String symbol;

  CompareOp(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as written in configuration, e.g. {@code >=}. */
  public String symbol() {
    return symbol;
  }

  /** The operator written as {@code symbol}, or null when there is none. */
  public static CompareOp of(String symbol) {
    for (CompareOp op : values()) {
      if (op.symbol.equals(symbol)) {
        return op;
      }
    }
    return null;
  }

  /** Whether {@code value op threshold} holds; NaN (nothing measured) never holds. */
  public boolean test(double value, double threshold) {
    if (Double.isNaN(value)) {
      return false;
    }
    switch (this) {
      case GT:
        return value > threshold;
      case GE:
        return value >= threshold;
      case LT:
        return value < threshold;
      case LE:
        return value <= threshold;
      case EQ:
        return value == threshold;
      case NE:
        return value != threshold;
      default:
        return false;
    }
  }
}
