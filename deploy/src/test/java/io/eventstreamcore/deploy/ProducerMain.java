package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.event.Priority;
import io.eventstreamcore.ingest.client.EventStreamProducer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An application using only the client: run by {@link ProducerClasspathTest} in a child JVM whose
 * classpath holds the engine and ingest artifacts and this class, none of their dependencies.
 * Arguments: host, port, number of events, a file for the results (the client has no logger to
 * write to). Exit 0 when every event was acknowledged.
 */
public final class ProducerMain {
  private ProducerMain() {}

  /** Streams the events, closes, writes what is (not) on the classpath and the ACK count. */
  public static void main(String[] args) throws Exception {
    List<String> results = new ArrayList<>();
    for (String name :
        List.of(
            "com.lmax.disruptor.RingBuffer",
            "com.typesafe.config.Config",
            "io.prometheus.metrics.model.registry.PrometheusRegistry",
            "io.netty.channel.Channel")) {
      try {
        Class.forName(name);
        results.add("present " + name);
      } catch (ClassNotFoundException e) {
        results.add("absent " + name);
      }
    }
    int events = Integer.parseInt(args[2]);
    try (EventStreamProducer producer =
        EventStreamProducer.builder(args[0], Integer.parseInt(args[1])).connect()) {
      for (int i = 0; i < events; i++) {
        producer.send(Priority.LOW, "child", ("event-" + i).getBytes(StandardCharsets.UTF_8));
      }
      producer.close(); // throws if anything stayed unacknowledged
      results.add("acknowledged " + producer.acknowledged());
    }
    Files.write(Path.of(args[3]), results, StandardCharsets.UTF_8);
  }
}
