package io.eventstreamcore.storage.testing;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The in-process KRaft cluster Kafka tests use, one combined controller and broker, started before
 * the test class and closed after it: register it as {@code @RegisterExtension static final
 * KafkaTestCluster KAFKA = new KafkaTestCluster();}.
 */
public final class KafkaTestCluster implements BeforeAllCallback, AfterAllCallback {
  private KafkaClusterTestKit kit;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    KafkaClusterTestKit started =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .build();
    try {
      started.format();
      started.startup();
      started.waitForReadyBrokers();
    } catch (Exception e) {
      started.close();
      throw e;
    }
    kit = started;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (kit != null) {
      kit.close();
      kit = null;
    }
  }

  /** The running cluster, for what this class does not offer (stopping its broker, ...). */
  public KafkaClusterTestKit kit() {
    if (kit == null) {
      throw new IllegalStateException("the cluster runs only while its test class does");
    }
    return kit;
  }

  /** The broker's bootstrap address. */
  public String bootstrapServers() {
    return kit().bootstrapServers();
  }
}
