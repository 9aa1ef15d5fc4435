package io.eventstreamcore.engine.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.engine.event.Priority;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicIndexTest {

  private static byte[] bytes(String topic) {
    return topic.getBytes(StandardCharsets.UTF_8);
  }

  private static TopicIndex.Entry resolve(TopicIndex index, String topic) {
    byte[] b = bytes(topic);
    return index.resolve(b, b.length);
  }

  @Test
  void theSameBytesResolveToTheSameEntry() {
    TopicIndex index = new TopicIndex(Map.of(), 16);

    TopicIndex.Entry first = resolve(index, "orders");
    TopicIndex.Entry again = resolve(index, "orders");
    TopicIndex.Entry other = resolve(index, "payments");

    assertThat(again).isSameAs(first);
    assertThat(first.name()).isEqualTo("orders");
    assertThat(first.id()).isZero();
    assertThat(other.id()).isEqualTo(1);
    assertThat(other.name()).isEqualTo("payments");
    assertThat(first.configured()).isNull();
    assertThat(index.size()).isEqualTo(2);
  }

  @Test
  void onlyTheGivenLengthOfTheBufferIsTheTopic() {
    TopicIndex index = new TopicIndex(Map.of(), 16);
    byte[] buffer = new byte[64];
    byte[] ab = bytes("ab");
    System.arraycopy(ab, 0, buffer, 0, ab.length);
    buffer[2] = 'x';

    TopicIndex.Entry fromSlotBuffer = index.resolve(buffer, 2);

    assertThat(fromSlotBuffer.name()).isEqualTo("ab");
    assertThat(resolve(index, "ab")).isSameAs(fromSlotBuffer);
    assertThat(index.resolve(buffer, 3).name()).isEqualTo("abx");
    // The index copied the bytes: reusing the caller's buffer does not change the entry.
    buffer[0] = 'z';
    assertThat(resolve(index, "ab")).isSameAs(fromSlotBuffer);
    assertThat(fromSlotBuffer.name()).isEqualTo("ab");
  }

  @Test
  void multiByteTopicsAreInternedAsUtf8() {
    TopicIndex index = new TopicIndex(Map.of(), 4);

    TopicIndex.Entry e = resolve(index, "température/č");

    assertThat(e.name()).isEqualTo("température/č");
    assertThat(resolve(index, "température/č")).isSameAs(e);
  }

  @Test
  void listedTopicsCarryTheirConfiguredPriorityAndComeFirst() {
    Map<String, Priority> table = new LinkedHashMap<>();
    table.put("alarms", Priority.CRITICAL);
    table.put("metrics", Priority.BATCH);
    TopicIndex index = new TopicIndex(table, 8);

    assertThat(index.size()).isEqualTo(2);
    TopicIndex.Entry alarms = resolve(index, "alarms");
    TopicIndex.Entry metrics = resolve(index, "metrics");
    TopicIndex.Entry unlisted = resolve(index, "misc");

    assertThat(alarms.configured()).isEqualTo(Priority.CRITICAL);
    assertThat(metrics.configured()).isEqualTo(Priority.BATCH);
    assertThat(unlisted.configured()).isNull();
    assertThat(alarms.id()).isZero();
    assertThat(metrics.id()).isEqualTo(1);
    assertThat(unlisted.id()).isEqualTo(2);
  }

  @Test
  void aLongTopicFromTrafficSharesTheOverflowEntryButAListedOneIsInterned() {
    String longest = "t".repeat(TopicIndex.MAX_INTERNED_TOPIC_BYTES);
    String tooLong = "t".repeat(TopicIndex.MAX_INTERNED_TOPIC_BYTES + 1);
    String listed = "l".repeat(60_000);
    TopicIndex index = new TopicIndex(Map.of(listed, Priority.HIGH), 16);

    assertThat(resolve(index, longest).name()).isEqualTo(longest);
    assertThat(resolve(index, tooLong).name()).isEqualTo(TopicIndex.OVERFLOW_TOPIC);
    assertThat(index.overflowed()).isEqualTo(1);
    assertThat(resolve(index, listed).configured()).isEqualTo(Priority.HIGH);
    // Listed by a reload: interned too, with its priority.
    String reloaded = "r".repeat(1_000);
    assertThat(index.reconfigure(Map.of(reloaded, Priority.CRITICAL))).isZero();
    assertThat(resolve(index, reloaded).configured()).isEqualTo(Priority.CRITICAL);
    assertThat(index.size()).isEqualTo(3);
  }

  @Test
  void beyondMaxTopicsNewTopicsShareTheOverflowEntryAndAreCounted() {
    TopicIndex index = new TopicIndex(Map.of("listed", Priority.HIGH), 3);
    TopicIndex.Entry a = resolve(index, "a");
    TopicIndex.Entry b = resolve(index, "b");

    TopicIndex.Entry c = resolve(index, "c");
    TopicIndex.Entry d = resolve(index, "d");
    TopicIndex.Entry cAgain = resolve(index, "c");

    assertThat(index.size()).isEqualTo(3);
    assertThat(c.name()).isEqualTo(TopicIndex.OVERFLOW_TOPIC);
    assertThat(c.id()).isEqualTo(3);
    assertThat(c.configured()).isNull();
    assertThat(d).isSameAs(c);
    assertThat(cAgain).isSameAs(c);
    assertThat(index.overflowed()).isEqualTo(3);
    // Topics known before the index filled keep resolving to their own entries, uncounted.
    assertThat(resolve(index, "a")).isSameAs(a);
    assertThat(resolve(index, "b")).isSameAs(b);
    assertThat(resolve(index, "listed").configured()).isEqualTo(Priority.HIGH);
    assertThat(index.overflowed()).isEqualTo(3);
  }

  @Test
  void manyTopicsUpToTheBoundKeepDistinctDenseIds() {
    int max = 1000;
    TopicIndex index = new TopicIndex(Map.of(), max);
    for (int i = 0; i < max; i++) {
      assertThat(resolve(index, "topic-" + i).id()).isEqualTo(i);
    }
    for (int i = 0; i < max; i++) {
      TopicIndex.Entry e = resolve(index, "topic-" + i);
      assertThat(e.id()).isEqualTo(i);
      assertThat(e.name()).isEqualTo("topic-" + i);
    }
    assertThat(index.overflowed()).isZero();
    assertThat(resolve(index, "one-more").name()).isEqualTo(TopicIndex.OVERFLOW_TOPIC);
  }

  @Test
  void rejectsABoundSmallerThanTheTopicTable() {
    Map<String, Priority> table = Map.of("a", Priority.LOW, "b", Priority.LOW);

    assertThatThrownBy(() -> new TopicIndex(table, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TopicIndex(Map.of(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
