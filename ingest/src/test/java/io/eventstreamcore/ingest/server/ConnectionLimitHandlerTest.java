package io.eventstreamcore.ingest.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.metrics.core.metrics.Gauge;
import org.junit.jupiter.api.Test;

/** The connection bound, on channels whose close tasks run when the test says. */
class ConnectionLimitHandlerTest {
  private final Gauge active = Gauge.builder().name("test_connections_active").build();
  private final ConnectionLimitHandler limit = new ConnectionLimitHandler(1, active);

  @Test
  void aRefusedConnectionDoesNotHoldThePlaceAnAcceptedOneFrees() {
    EmbeddedChannel first = new EmbeddedChannel(limit);
    EmbeddedChannel refused = new EmbeddedChannel(limit);
    assertThat(first.isActive()).isTrue();
    assertThat(refused.isActive()).as("beyond the bound").isFalse();
    assertThat(active.get()).isEqualTo(1);

    first.close();
    first.runPendingTasks();
    // The refused channel's own close tasks have not run yet: its place is free all the same.
    EmbeddedChannel next = new EmbeddedChannel(limit);

    assertThat(next.isActive()).isTrue();
    assertThat(active.get()).isEqualTo(1);
    refused.runPendingTasks();
    next.close();
    next.runPendingTasks();
    assertThat(active.get()).isZero();
  }
}
