package io.eventstreamcore.ingest.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

/**
 * The admin handler and a client that sends requests without reading the answers: once the answers
 * it has not read fill the connection's outbound buffer (Netty's writability), the next request
 * closes the connection instead of buffering another answer, without bound.
 */
class AdminHandlerTest {
  private final EmbeddedChannel channel =
      new EmbeddedChannel(
          new AdminHandler(new PrometheusRegistry(), () -> true, () -> true, () -> "{}"));

  private void request() {
    channel.writeInbound(
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health/live"));
  }

  @Test
  void anotherMethodIsRefusedNamingTheOnesAllowed() {
    channel.writeInbound(
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/metrics"));
    FullHttpResponse answer = channel.readOutbound();
    assertThat(answer.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
    assertThat(answer.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, HEAD");
    answer.release();
  }

  @Test
  void aRequestWhileTheAnswersBeforeAreUnreadClosesTheConnection() {
    request();
    FullHttpResponse answer = channel.readOutbound();
    assertThat(answer.status()).isEqualTo(HttpResponseStatus.OK);
    answer.release();

    // As when the unread answers pass the outbound buffer's high-water mark.
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    request();

    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(channel.isOpen()).isFalse();
  }
}
