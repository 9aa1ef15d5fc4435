package io.eventstreamcore.processors.realtime;

import static io.eventstreamcore.processors.TestEvents.event;
import static io.eventstreamcore.processors.TestEvents.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.engine.event.EventSlot;
import io.eventstreamcore.engine.event.Priority;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each condition at its edges, and each operator at, just under and just over its threshold. */
class AlertConditionTest {

  private static EventSlot with(byte[] payload) {
    return event("t", 0, Priority.HIGH, 1, 1_000, payload);
  }

  private static EventSlot json(String text) {
    return with(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void payloadBytesOverMatchesOnlyStrictlyOver() {
    AlertCondition over = AlertCondition.payloadBytes(CompareOp.GT, 1024);

    assertThat(over.evaluate(with(payload(1023, 0)))).isNaN();
    assertThat(over.evaluate(with(payload(1024, 0)))).isNaN();
    assertThat(over.evaluate(with(payload(1025, 0)))).isEqualTo(1025);
    assertThat(over.evaluate(with(payload(0, 0)))).isNaN();
  }

  @Test
  void payloadBytesUnderMatchesOnlyStrictlyUnderAndCountsTheEmptyPayload() {
    AlertCondition under = AlertCondition.payloadBytes(CompareOp.LT, 2);

    assertThat(under.evaluate(with(payload(0, 0)))).isEqualTo(0);
    assertThat(under.evaluate(with(payload(1, 0)))).isEqualTo(1);
    assertThat(under.evaluate(with(payload(2, 0)))).isNaN();
    assertThat(under.evaluate(with(payload(3, 0)))).isNaN();
  }

  @Test
  void aPayloadByteIsComparedUnsigned() {
    AlertCondition over = AlertCondition.payloadByte(0, CompareOp.GT, 100);

    assertThat(over.evaluate(with(bytes(100)))).isNaN();
    assertThat(over.evaluate(with(bytes(101)))).isEqualTo(101);
    assertThat(over.evaluate(with(bytes(127)))).isEqualTo(127);
    // Bytes 128..255 are negative as Java bytes; the condition compares them unsigned.
    assertThat(over.evaluate(with(bytes(0x80)))).isEqualTo(128);
    assertThat(over.evaluate(with(bytes(0xff)))).isEqualTo(255);
    assertThat(over.evaluate(with(bytes(0)))).isNaN();
  }

  @Test
  void aPayloadByteBeyondThePayloadNeverMatches() {
    AlertCondition third = AlertCondition.payloadByte(2, CompareOp.GE, 0);

    assertThat(third.evaluate(with(bytes()))).isNaN();
    assertThat(third.evaluate(with(bytes(9, 9)))).isNaN();
    assertThat(third.evaluate(with(bytes(9, 9, 0)))).isEqualTo(0);
    assertThat(third.evaluate(with(bytes(9, 9, 200, 1)))).isEqualTo(200);
  }

  @Test
  void everyOperatorOnAPayloadByte() {
    int[] under = {99};
    int[] at = {100};
    int[] over = {101};
    assertOp(CompareOp.GT, under, at, over, false, false, true);
    assertOp(CompareOp.GE, under, at, over, false, true, true);
    assertOp(CompareOp.LT, under, at, over, true, false, false);
    assertOp(CompareOp.LE, under, at, over, true, true, false);
    assertOp(CompareOp.EQ, under, at, over, false, true, false);
    assertOp(CompareOp.NE, under, at, over, true, false, true);
  }

  private static void assertOp(
      CompareOp op, int[] under, int[] at, int[] over, boolean u, boolean a, boolean o) {
    AlertCondition c = AlertCondition.payloadByte(0, op, 100);
    assertThat(Double.isNaN(c.evaluate(with(bytes(under))))).as(op + " under").isEqualTo(!u);
    assertThat(Double.isNaN(c.evaluate(with(bytes(at))))).as(op + " at").isEqualTo(!a);
    assertThat(Double.isNaN(c.evaluate(with(bytes(over))))).as(op + " over").isEqualTo(!o);
  }

  @Test
  void everyOperatorOnAJsonField() {
    String[] values = {"30.4", "30.5", "30.6"};
    boolean[][] expected = {
      {false, false, true}, // >
      {false, true, true}, // >=
      {true, false, false}, // <
      {true, true, false}, // <=
      {false, true, false}, // ==
      {true, false, true} // !=
    };
    CompareOp[] ops = {
      CompareOp.GT, CompareOp.GE, CompareOp.LT, CompareOp.LE, CompareOp.EQ, CompareOp.NE
    };
    for (int o = 0; o < ops.length; o++) {
      AlertCondition c = AlertCondition.jsonField("temperature", ops[o], 30.5);
      for (int v = 0; v < values.length; v++) {
        double measured = c.evaluate(json("{\"temperature\": " + values[v] + "}"));
        assertThat(!Double.isNaN(measured))
            .as(ops[o].symbol() + " " + values[v])
            .isEqualTo(expected[o][v]);
        if (expected[o][v]) {
          assertThat(measured).isEqualTo(Double.parseDouble(values[v]));
        }
      }
    }
  }

  @Test
  void aJsonFieldIsFoundAmongOtherTopLevelFields() {
    AlertCondition hot = AlertCondition.jsonField("temperature", CompareOp.GT, 30.5);

    assertThat(
            hot.evaluate(
                json(
                    "{\"id\":\"s-1\",\"tags\":[1,{\"temperature\":99}],\"ok\":true,\"n\":null,"
                        + "\"nested\":{\"temperature\":99,\"s\":\"}\"},\"temperature\":-1e2}")))
        .as("nested fields are skipped; the top-level one is -100")
        .isNaN();
    assertThat(hot.evaluate(json(" \n{ \"a\" : \"x\\\"y\" , \"temperature\" : 3.1e1 }")))
        .isEqualTo(31.0);
    assertThat(hot.evaluate(json("{\"temperature\":31,\"temperature\":1}")))
        .as("the first of repeated keys counts")
        .isEqualTo(31.0);
  }

  @Test
  void aPayloadThatIsNotAJsonObjectWithANumberFieldDoesNotMatch() {
    AlertCondition any = AlertCondition.jsonField("temperature", CompareOp.NE, 1e300);

    assertThat(any.evaluate(json("{\"temperature\":31}"))).isEqualTo(31.0);
    String[] misses = {
      "",
      "31",
      "[{\"temperature\":31}]",
      "{}",
      "{\"temp\":31}",
      "{\"temperature\":\"31\"}",
      "{\"temperature\":true}",
      "{\"temperature\":null}",
      "{\"temperature\":{\"v\":31}}",
      "{\"temperature\":31",
      "{\"temperature\":31x}",
      "{\"temperature\":+31}",
      "{\"temperature\":031}",
      "{\"temperature\":.5}",
      "{\"temperature\":1.}",
      "{\"temperature\":1e}",
      "{\"temperature\":-}",
      "{\"temperature\":NaN}",
      "{\"temperature\" 31}",
      "{temperature:31}",
      "{\"\\u0074emperature\":31}",
      "{\"a\":1 \"temperature\":31}",
      "{\"a\":tru,\"temperature\":31}",
      "{\"a\":\"open,\"temperature\":31}",
      "not json at all"
    };
    for (String miss : misses) {
      assertThat(any.evaluate(json(miss))).as(miss).isNaN();
    }
    assertThat(any.evaluate(with(bytes('{', '"', 0xff, 0xfe, '"', ':', '1', '}')))).isNaN();
  }

  @Test
  void jsonNumbersAtTheirEdges() {
    AlertCondition any = AlertCondition.jsonField("v", CompareOp.NE, 12345.678);

    assertThat(any.evaluate(json("{\"v\":0}"))).isEqualTo(0.0);
    assertThat(any.evaluate(json("{\"v\":-0}"))).isEqualTo(-0.0);
    assertThat(any.evaluate(json("{\"v\":-0.000001}"))).isEqualTo(-0.000001);
    assertThat(any.evaluate(json("{\"v\":1E+2}"))).isEqualTo(100.0);
    assertThat(any.evaluate(json("{\"v\":9007199254740993}"))).isEqualTo(9007199254740992.0);
    assertThat(any.evaluate(json("{\"v\":123456789012345678901234567890}")))
        .isEqualTo(1.2345678901234568E29);
    assertThat(any.evaluate(json("{\"v\":1e400}"))).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(any.evaluate(json("{\"v\":-1e400}"))).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(any.evaluate(json("{\"v\":1e-400}"))).isEqualTo(0.0);
    assertThat(any.evaluate(json("{\"v\":4.9e-324}"))).isEqualTo(Double.MIN_VALUE);
    assertThat(any.evaluate(json("{\"v\":1.7976931348623157e308}"))).isEqualTo(Double.MAX_VALUE);
    // EQ on the threshold itself: the value is parsed to the same double as the threshold.
    assertThat(AlertCondition.jsonField("v", CompareOp.EQ, 0.1).evaluate(json("{\"v\":0.1}")))
        .isEqualTo(0.1);
  }

  @Test
  void aJsonFieldNameMayNotNeedEscaping() {
    assertThatThrownBy(() -> AlertCondition.jsonField("a\\b", CompareOp.GT, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertCondition.jsonField("a\"b", CompareOp.GT, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertCondition.jsonField("", CompareOp.GT, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            AlertCondition.jsonField("température", CompareOp.GT, 1)
                .evaluate(json("{\"température\":2}")))
        .as("non-ASCII keys compare as UTF-8")
        .isEqualTo(2.0);
  }
}
