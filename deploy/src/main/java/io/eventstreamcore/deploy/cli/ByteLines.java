package io.eventstreamcore.deploy.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a byte stream, as bytes: split at {@code \n} only, without it and a {@code \r}
 * before it, so that a raw line keeps any bytes it holds (a lone {@code \r}, bytes that are not
 * UTF-8) and a line that is not UTF-8 can be reported on its own while the rest is read on.
 */
final class ByteLines implements AutoCloseable {
  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private int position;
  private int limit;

  ByteLines(InputStream in) {
    this.in = in;
  }

  /** The next line, or null at the end of the stream. */
  byte[] next() throws IOException {
    line.reset();
    while (true) {
      if (position == limit) {
        limit = in.read(buffer);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          return line.size() > 0 ? withoutCarriageReturn() : null;
        }
      }
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      line.write(buffer, start, position - start);
      if (position < limit) {
        position++; // the \n
        return withoutCarriageReturn();
      }
    }
  }

  private byte[] withoutCarriageReturn() {
    byte[] bytes = line.toByteArray();
    int n = bytes.length;
    return n > 0 && bytes[n - 1] == '\r' ? Arrays.copyOf(bytes, n - 1) : bytes;
  }

  /**
   * {@code bytes} as text.
   *
   * @throws CharacterCodingException when they are not UTF-8
   */
  String text(byte[] bytes) throws CharacterCodingException {
    CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(bytes));
    return chars.toString();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
