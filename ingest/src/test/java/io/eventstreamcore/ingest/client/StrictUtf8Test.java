package io.eventstreamcore.ingest.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictUtf8Test {
  @Test
  void textWithPairedSurrogatesIsItsUtf8() {
    String text = "caf\u00e9 \ud83d\ude00 \u20ac"; // a pair (U+1F600) among BMP characters
    assertThat(StrictUtf8.encode(text, "topic")).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aLoneSurrogateIsRefusedWhereGetBytesWouldWriteAQuestionMark() {
    assertThatThrownBy(() -> StrictUtf8.encode("a\ud800b", "topic"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "topic has a lone surrogate U+D800 at index 1: not Unicode text, no UTF-8 for it");
    assertThatThrownBy(() -> StrictUtf8.encode("end\ud83d", "topic")) // a high one last
        .hasMessageContaining("U+D83D at index 3");
    assertThatThrownBy(() -> StrictUtf8.encode("\ude00\ud83d", "payload")) // a pair reversed
        .hasMessageStartingWith("payload has a lone surrogate U+DE00 at index 0");
  }
}
