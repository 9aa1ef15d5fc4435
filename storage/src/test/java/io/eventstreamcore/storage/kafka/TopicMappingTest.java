package io.eventstreamcore.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicMappingTest {
  @Test
  void legalTopicsMapToPrefixPlusTopic() {
    TopicMapping mapping =
        new TopicMapping(TopicMapping.Mode.PER_TOPIC, "unused", "es.", "records");
    assertThat(mapping.kafkaTopic("clicks")).isEqualTo("es.clicks");
    assertThat(mapping.kafkaTopic("a-b_c")).isEqualTo("es.a-b_c");
  }

  @Test
  void topicsThatKafkaTakesForTheSameNeverMapToNamesItTakesForTheSame() {
    // Kafka refuses a topic whose name differs from an existing one only in '.' against '_'.
    String dot = TopicMapping.perTopic("es.", "orders.eu");
    String underscore = TopicMapping.perTopic("es.", "orders_eu");
    assertThat(underscore).isEqualTo("es.orders_eu");
    assertThat(dot).startsWith("es.orders_eu-").matches("[a-zA-Z0-9._-]+");
    assertThat(dot.replace('.', '_')).isNotEqualTo(underscore.replace('.', '_'));
  }

  @Test
  void noEventTopicMapsToTheRecordsTopicOrANameLikeKafkasInternalOnes() {
    TopicMapping mapping =
        new TopicMapping(TopicMapping.Mode.PER_TOPIC, "unused", "", "eventstream-records");
    String records = mapping.kafkaTopic("eventstream-records");
    String offsets = mapping.kafkaTopic("__consumer_offsets");
    assertThat(records).startsWith("eventstream-records-").isNotEqualTo("eventstream-records");
    assertThat(offsets).startsWith("__consumer_offsets-");
    assertThat(TopicMapping.isLegal(records) && TopicMapping.isLegal(offsets)).isTrue();
    assertThat(mapping.kafkaTopic("_one_underscore")).isEqualTo("_one_underscore");
    TopicMapping dotted =
        new TopicMapping(TopicMapping.Mode.PER_TOPIC, "unused", "", "eventstream.records");
    assertThat(dotted.kafkaTopic("eventstream_records")).startsWith("eventstream_records-");
  }

  @Test
  void singleModeMapsEverythingToOneTopic() {
    TopicMapping mapping = new TopicMapping(TopicMapping.Mode.SINGLE, "all", "es.", "records");
    assertThat(mapping.kafkaTopic("clicks")).isEqualTo("all");
    assertThat(mapping.kafkaTopic("orders/eu")).isEqualTo("all");
  }

  @Test
  void illegalCharactersAreReplacedAndTheNameStaysDistinct() {
    String slash = TopicMapping.perTopic("es.", "orders/eu");
    String colon = TopicMapping.perTopic("es.", "orders:eu");
    assertThat(slash).startsWith("es.orders_eu-").hasSize("es.orders_eu".length() + 9);
    assertThat(colon).startsWith("es.orders_eu-");
    assertThat(slash).isNotEqualTo(colon);
    assertThat(TopicMapping.isLegal(slash)).isTrue();
    assertThat(TopicMapping.isLegal(TopicMapping.perTopic("", "ünïcode topic"))).isTrue();
  }

  @Test
  void tooLongAndDotNamesAreMadeLegal() {
    String longTopic = "x".repeat(300);
    String mapped = TopicMapping.perTopic("es.", longTopic);
    assertThat(mapped).hasSize(TopicMapping.MAX_TOPIC_LENGTH);
    assertThat(TopicMapping.isLegal(mapped)).isTrue();
    assertThat(TopicMapping.isLegal(TopicMapping.perTopic("", ".."))).isTrue();
    assertThat(TopicMapping.isLegal(TopicMapping.perTopic("", ""))).isTrue();
    assertThat(TopicMapping.isLegal("..")).isFalse();
    assertThat(TopicMapping.isLegal("a b")).isFalse();
  }
}
