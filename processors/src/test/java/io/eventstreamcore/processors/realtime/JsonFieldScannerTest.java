package io.eventstreamcore.processors.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.processors.TestEvents;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The JSON scanner held to Jackson over generated flat objects: it finds the same top-level number
 * Jackson does (bit for bit where it promises correct rounding), finds nothing where Jackson finds
 * no number, and never throws on truncated or arbitrary bytes.
 */
class JsonFieldScannerTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();
  private static final byte[] KEY = "t".getBytes(StandardCharsets.UTF_8);

  private static double scan(String json) {
    return scan(json.getBytes(StandardCharsets.UTF_8));
  }

  private static double scan(byte[] payload) {
    EventSlot slot = TestEvents.event("x", 0, Priority.HIGH, 1, 1, payload);
    return JsonFieldScanner.numberField(slot, KEY);
  }

  /** What Jackson reads for top-level field "t": its double value, or NaN when not a number. */
  private static double reference(String json) throws Exception {
    JsonNode t = JACKSON.readTree(json).get("t");
    return t != null && t.isNumber() ? t.doubleValue() : Double.NaN;
  }

  // ---------------------------------------------------------------------------------------------
  // Generators: flat-ish JSON objects written by hand, so that formatting varies.

  private static Arbitrary<String> whitespace() {
    return Arbitraries.of("", "", " ", "\n", "\t ", "\r\n  ");
  }

  private static Arbitrary<String> keys() {
    return Arbitraries.of("a", "tt", "T", "ta", "é", "te\\\"mp", "x\\\\y", "\u00e9t", "");
  }

  /** A JSON number in its many spellings. */
  static Arbitrary<String> numbers() {
    Arbitrary<String> integers = Arbitraries.longs().map(String::valueOf);
    Arbitrary<String> doubles =
        Arbitraries.doubles()
            .filter(Double::isFinite)
            .map(d -> Double.toString(d).replace("E", "e"));
    Arbitrary<String> plain =
        Arbitraries.bigDecimals()
            .ofScale(6)
            .between(new BigDecimal("-1e9"), new BigDecimal("1e9"))
            .map(BigDecimal::toPlainString);
    Arbitrary<String> exponents =
        Combinators.combine(
                Arbitraries.of("", "-"),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(25),
                Arbitraries.strings().numeric().ofMaxLength(25),
                Arbitraries.of("e", "E", "e+", "e-", "E-"),
                Arbitraries.integers().between(0, 330))
            .as(
                (sign, whole, fraction, e, exp) ->
                    sign
                        + whole.replaceFirst("^0+(?=.)", "")
                        + (fraction.isEmpty() ? "" : "." + fraction)
                        + e
                        + exp);
    return Arbitraries.oneOf(integers, doubles, plain, exponents);
  }

  private static Arbitrary<String> otherValues() {
    Arbitrary<String> strings =
        Arbitraries.of("\"\"", "\"31\"", "\"a\\\"b\"", "\"}]{[\"", "\"\\u0041\\\\\"", "\"é\"");
    Arbitrary<String> literals = Arbitraries.of("true", "false", "null");
    Arbitrary<String> nested =
        Arbitraries.of(
            "{}", "[]", "{\"t\":5}", "[1,{\"t\":[2]},\"]\"]", "{\"a\":{\"b\":\"}\"}}", "[[[]]]");
    return Arbitraries.oneOf(strings, literals, nested);
  }

  private static Arbitrary<String> values() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, numbers()), net.jqwik.api.Tuple.of(1, otherValues()));
  }

  @Provide
  Arbitrary<String> objects() {
    Arbitrary<String> field =
        Combinators.combine(whitespace(), keys(), whitespace(), whitespace(), values())
            .as((w1, k, w2, w3, v) -> w1 + "\"" + k + "\"" + w2 + ":" + w3 + v);
    Arbitrary<String> target =
        Combinators.combine(whitespace(), values(), whitespace())
            .as((w1, v, w2) -> w1 + "\"t\":" + v + w2);
    return Combinators.combine(
            field.list().ofMaxSize(4).uniqueElements(f -> f.substring(0, f.indexOf(':'))),
            target.optional(),
            Arbitraries.integers().between(0, 4),
            whitespace())
        .as(
            (fields, t, at, w) -> {
              List<String> all = new ArrayList<>(distinctKeys(fields));
              t.ifPresent(f -> all.add(Math.min(at, all.size()), f));
              return w + "{" + String.join(",", all) + "}" + w;
            });
  }

  /** Drops fields whose key repeats an earlier one (whitespace apart): keys stay unique. */
  private static List<String> distinctKeys(List<String> fields) {
    List<String> keys = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (String f : fields) {
      String key = f.substring(0, f.indexOf(':')).strip();
      if (!keys.contains(key)) {
        keys.add(key);
        kept.add(f);
      }
    }
    return kept;
  }

  // ---------------------------------------------------------------------------------------------

  @Property(tries = 3000)
  void findsTheNumberJacksonFindsAndNothingWhereJacksonFindsNone(@ForAll("objects") String json)
      throws Exception {
    double expected = reference(json);
    double actual = scan(json);
    Statistics.collect(Double.isNaN(expected) ? "no number" : "number");
    Statistics.coverage(
        coverage -> {
          coverage.check("number").percentage(p -> p > 20);
          coverage.check("no number").percentage(p -> p > 20);
        });

    if (Double.isNaN(expected)) {
      assertThat(actual).as(json).isNaN();
    } else if (Double.isInfinite(expected) || expected == 0) {
      assertThat(actual).as(json).isEqualTo(expected, org.assertj.core.data.Offset.offset(0.0));
    } else {
      // Within a few ulps in general (see JsonFieldScanner); exact on the fast path below.
      assertThat(Math.abs(actual - expected)).as(json).isLessThanOrEqualTo(2 * Math.ulp(expected));
    }
  }

  @Provide
  Arbitrary<String> shortNumbers() {
    return Combinators.combine(
            Arbitraries.of("", "-"),
            Arbitraries.longs().between(0, 999_999_999_999_999L),
            Arbitraries.integers().between(0, 15),
            Arbitraries.integers().between(-22, 22),
            Arbitraries.of(true, false))
        .filter((sign, digits, point, exp, withExp) -> Math.abs((withExp ? exp : 0) - point) <= 22)
        .as(
            (sign, digits, point, exp, withExp) -> {
              String d = Long.toString(digits);
              int at = Math.max(1, d.length() - point);
              String number = at < d.length() ? d.substring(0, at) + "." + d.substring(at) : d;
              return sign + number + (withExp ? "e" + exp : "");
            });
  }

  @Property(tries = 3000)
  void readsNumbersOfUpTo15DigitsWithin22DecimalPlacesBitForBit(
      @ForAll("shortNumbers") String number) throws Exception {
    String json = "{\"a\":[1,2],\"t\":" + number + "}";

    assertThat(scan(json)).as(json).isEqualTo(reference(json));
  }

  @Property(tries = 1000)
  void aTruncatedObjectGivesTheFullValueOrNothingAndNeverThrows(
      @ForAll("objects") String json, @ForAll @IntRange(min = 0, max = 200) int cut) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = java.util.Arrays.copyOf(bytes, Math.min(cut, bytes.length));

    double full = scan(bytes);
    double truncated = scan(prefix);

    if (!Double.isNaN(truncated)) {
      assertThat(truncated).isEqualTo(full);
    }
  }

  @Property(tries = 1000)
  void arbitraryBytesNeverMakeItThrow(@ForAll byte[] payload) {
    scan(payload); // an exception fails the property
  }

  @Property(tries = 1000)
  void jsonLikeNoiseNeverMakesItThrow(@ForAll("noise") String noise) {
    double value = scan(noise);
    assertThat(Double.isNaN(value) || noise.contains("\"t\"")).isTrue();
  }

  @Provide
  Arbitrary<String> noise() {
    return Arbitraries.of(
            "{", "}", "[", "]", "\"", "\\", ":", ",", "t", "\"t\"", "1", "-", ".", "e", " ", "n",
            "true")
        .list()
        .ofMaxSize(20)
        .map(parts -> String.join("", parts));
  }
}
