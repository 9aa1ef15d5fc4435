package io.eventstreamcore.ingest.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** {@link ProducerBuilder} checks its settings as they are set. */
class ProducerBuilderTest {
  private final ProducerBuilder builder = EventStreamProducer.builder("127.0.0.1", 9000);

  @Test
  void durationsLongerThanAYearAreRefusedAsTheyAreSet() {
    Duration forever = ChronoUnit.FOREVER.getDuration();
    // Counted in nanoseconds, such a close timeout made close() throw, and never stop.
    assertThatThrownBy(() -> builder.closeTimeout(forever))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("closeTimeout");
    assertThatThrownBy(() -> builder.ackTimeout(forever))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.reconnectBackoff(Duration.ofMillis(1), forever))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ofDays(366)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void windowBoundsMustLeaveRoomForAnEvent() {
    assertThatThrownBy(() -> builder.maxInFlightBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxInFlightBytes");
    assertThatThrownBy(() -> builder.maxInFlightEvents(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxInFlightEvents");
  }
}
