package io.eventstreamcore.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
  @Test
  void eachDurationInTheLargestUnitThatHoldsItWhole() {
    assertThat(DurationText.of(Duration.ZERO)).isEqualTo("0s");
    assertThat(DurationText.of(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(DurationText.of(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationText.of(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(DurationText.of(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationText.of(Duration.ofMillis(5))).isEqualTo("5ms");
    assertThat(DurationText.of(Duration.ofNanos(200_000))).isEqualTo("200us");
    assertThat(DurationText.of(Duration.ofNanos(7))).isEqualTo("7ns");
    assertThat(DurationText.of(Duration.ofSeconds(-3))).isEqualTo("-3s");
    assertThat(DurationText.of(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE + "s");
  }
}
