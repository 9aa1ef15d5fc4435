package io.eventstreamcore.deploy.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The protocol's u64 fields (event ids, client times) as the commands read them: decimal numbers
 * from 0 to 2^64 - 1, held in a {@code long} with the same 64 bits, as the engine holds them.
 */
final class UnsignedIds implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** {@code text} as a u64; throws IllegalArgumentException saying why if it is not one. */
  static long parse(String text) {
    try {
      return Long.parseUnsignedLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          text + " is not a number from 0 to " + Long.toUnsignedString(-1L), e);
    }
  }
}
