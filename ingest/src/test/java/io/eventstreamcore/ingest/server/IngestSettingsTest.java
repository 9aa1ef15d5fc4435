package io.eventstreamcore.ingest.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {
  private static IngestSettings with(String overrides) {
    return new IngestSettings(
        ConfigFactory.parseString(overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  @Test
  void autoPicksEpollWhereItLoadsAndNioOtherwise() {
    assertThat(with("").transport())
        .isEqualTo(Epoll.isAvailable() ? IngestTransport.EPOLL : IngestTransport.NIO);
    assertThat(with("eventstream.ingest.transport = nio").transport())
        .isEqualTo(IngestTransport.NIO);
    assertThat(with("").toString()).contains("transport=");
  }

  @Test
  void anUnknownTransportNamesTheKeyAndTheChoices() {
    assertThatThrownBy(() -> with("eventstream.ingest.transport = kqueue"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.ingest.transport")
        .hasMessageContaining("kqueue")
        .hasMessageContaining("auto, epoll, nio");
  }
}
