package io.eventstreamcore.storage.testing;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** The in-process KRaft cluster Kafka tests use: one combined controller and broker. */
public final class KafkaTestCluster {
  private KafkaTestCluster() {}

  /** Starts the cluster, formatted and with its broker ready; the caller closes it. */
  public static KafkaClusterTestKit start() throws Exception {
    KafkaClusterTestKit kit =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .build();
    try {
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
      return kit;
    } catch (Exception e) {
      kit.close();
      throw e;
    }
  }
}
