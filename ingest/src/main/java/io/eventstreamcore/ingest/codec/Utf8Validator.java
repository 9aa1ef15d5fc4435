package io.eventstreamcore.ingest.codec;

import io.netty.buffer.ByteBuf;

/**
 * Checks well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF) in place in a
 * buffer, without decoding or allocating.
 */
final class Utf8Validator {
  private Utf8Validator() {}

  /** True when {@code buf[index, index+length)} is well-formed UTF-8. */
  static boolean isValid(ByteBuf buf, int index, int length) {
    int i = index;
    int end = index + length;
    // Fast path: topics are mostly ASCII; skip eight ASCII bytes at a time.
    while (end - i >= 8 && (buf.getLong(i) & 0x8080808080808080L) == 0) {
      i += 8;
    }
    while (i < end) {
      int b0 = buf.getByte(i) & 0xff;
      if (b0 < 0x80) {
        i++;
        continue;
      }
      int need;
      int min;
      int lowSecond = 0x80;
      int highSecond = 0xbf;
      if (b0 >= 0xc2 && b0 <= 0xdf) {
        need = 1;
      } else if (b0 >= 0xe0 && b0 <= 0xef) {
        need = 2;
        if (b0 == 0xe0) {
          lowSecond = 0xa0; // overlong
        } else if (b0 == 0xed) {
          highSecond = 0x9f; // surrogates
        }
      } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        need = 3;
        if (b0 == 0xf0) {
          lowSecond = 0x90; // overlong
        } else if (b0 == 0xf4) {
          highSecond = 0x8f; // beyond U+10FFFF
        }
      } else {
        return false;
      }
      min = i + 1 + need;
      if (min > end) {
        return false;
      }
      int b1 = buf.getByte(i + 1) & 0xff;
      if (b1 < lowSecond || b1 > highSecond) {
        return false;
      }
      for (int k = 2; k <= need; k++) {
        int b = buf.getByte(i + k) & 0xff;
        if (b < 0x80 || b > 0xbf) {
          return false;
        }
      }
      i = min;
    }
    return true;
  }
}
