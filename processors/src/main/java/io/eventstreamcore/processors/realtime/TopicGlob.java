package io.eventstreamcore.processors.realtime;

import java.util.Arrays;

/**
 * A compiled topic pattern: {@code *} matches any run of characters ({@code /} included, so a lone
 * {@code *} matches every topic), {@code ?} matches exactly one character (one Unicode code point),
 * {@code \} makes the next special character literal ({@code \*}, {@code \?}, {@code \\} and the
 * brackets below); every other character matches itself. Character classes and alternatives ({@code
 * [...]}, <code>{...}</code>) are not supported and are rejected unless escaped, so that a pattern
 * never means something other than what it seems to.
 *
 * <p>Matching does not allocate; the realtime handler still caches the result per topic id.
 */
public final class TopicGlob {
  /** Marks a {@code *} in the compiled pattern; code points are never negative. */
  private static final int STAR = -1;

  /** Marks a {@code ?} in the compiled pattern. */
  private static final int ONE = -2;

  /** Characters with a meaning in a pattern; a backslash before one makes it literal. */
  private static final String SPECIAL = "*?\\[]{}";

  private final String source;
  private final int[] pattern;
  private final boolean everything;

  private TopicGlob(String source, int[] pattern) {
    this.source = source;
    this.pattern = pattern;
    boolean onlyStars = pattern.length > 0;
    for (int p : pattern) {
      onlyStars &= p == STAR;
    }
    this.everything = onlyStars;
  }

  /**
   * Compiles {@code glob}.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static TopicGlob compile(String glob) {
    if (glob.isEmpty()) {
      throw new IllegalArgumentException("empty topic pattern");
    }
    int[] compiled = new int[glob.codePointCount(0, glob.length())];
    int n = 0;
    for (int i = 0; i < glob.length(); ) {
      int c = glob.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '*':
          if (n == 0 || compiled[n - 1] != STAR) { // "**" means the same as "*"
            compiled[n++] = STAR;
          }
          break;
        case '?':
          compiled[n++] = ONE;
          break;
        case '\\':
          if (i == glob.length()) {
            throw new IllegalArgumentException("ends with a lone \\");
          }
          int next = glob.codePointAt(i);
          if (SPECIAL.indexOf(next) < 0) {
            throw new IllegalArgumentException(
                "\\ escapes only " + SPECIAL + ", not " + new String(Character.toChars(next)));
          }
          i += Character.charCount(next);
          compiled[n++] = next;
          break;
        case '[':
        case ']':
        case '{':
        case '}':
          throw new IllegalArgumentException(
              "character classes and alternatives are not supported; write \\"
                  + new String(Character.toChars(c))
                  + " for the character itself");
        default:
          compiled[n++] = c;
      }
    }
    return new TopicGlob(glob, Arrays.copyOf(compiled, n));
  }

  /** Whether this pattern matches every topic (it is made of {@code *} only). */
  public boolean matchesEverything() {
    return everything;
  }

  /**
   * Whether {@code topic} matches, in time O(pattern x topic) at worst, without allocating: the
   * classic greedy match that backtracks only to the last {@code *}.
   */
  public boolean matches(String topic) {
    int p = 0;
    int t = 0;
    int starP = -1;
    int starT = 0;
    int length = topic.length();
    while (t < length) {
      int c = topic.codePointAt(t);
      if (p < pattern.length && pattern[p] == STAR) {
        starP = p++;
        starT = t;
      } else if (p < pattern.length && (pattern[p] == ONE || pattern[p] == c)) {
        p++;
        t += Character.charCount(c);
      } else if (starP >= 0) {
        // Let the last star take one more character and retry the rest from there.
        p = starP + 1;
        starT += Character.charCount(topic.codePointAt(starT));
        t = starT;
      } else {
        return false;
      }
    }
    while (p < pattern.length && pattern[p] == STAR) {
      p++;
    }
    return p == pattern.length;
  }

  @Override
  public String toString() {
    return source;
  }
}
