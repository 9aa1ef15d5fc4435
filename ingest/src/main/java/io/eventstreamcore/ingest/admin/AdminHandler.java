package io.eventstreamcore.ingest.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus text, or OpenMetrics when the scraper asks for it), {@code
 * /health/live}, {@code /health/ready} and {@code /status} (JSON).
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /**
   * Not exported, so never collected: the JVM instrumentation's deadlock gauges ask the JVM to find
   * deadlocked threads, which stops every thread at a safepoint, twice per scrape (1-2 ms each on a
   * 2-core VM, felt as latency by the events in flight).
   */
  private static final Predicate<String> EXPORTED =
      name ->
          !name.equals("jvm_threads_deadlocked") && !name.equals("jvm_threads_deadlocked_monitor");

  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();
  private final BooleanSupplier live;
  private final BooleanSupplier ready;
  private final Supplier<String> status;

  AdminHandler(
      PrometheusRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready,
      Supplier<String> status) {
    this.registry = registry;
    this.live = live;
    this.ready = ready;
    this.status = status;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request)
      throws IOException {
    if (!ctx.channel().isWritable()) {
      // A client sending requests without reading the answers: each would be buffered here
      // (tens of KB for /metrics, per request of forty bytes), without bound. Scrapers and probes
      // wait for each answer before the next request.
      ctx.close();
      return;
    }
    String path = request.decoderResult().isSuccess() ? path(request.uri()) : null;
    if (path == null) {
      // Netty passes on what it could parse of a malformed request (a header too long, say) and
      // drops everything after it on this connection: answer, and close.
      FullHttpResponse bad = text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
      HttpUtil.setContentLength(bad, bad.content().readableBytes());
      ctx.writeAndFlush(bad).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    FullHttpResponse response;
    if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
      response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET or HEAD only\n");
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    } else if ("/metrics".equals(path)) {
      response = metrics(ctx, request.headers().get(HttpHeaderNames.ACCEPT));
    } else if ("/health/live".equals(path)) {
      response =
          live.getAsBoolean()
              ? text(HttpResponseStatus.OK, "live\n")
              : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "failed: restart the service\n");
    } else if ("/health/ready".equals(path)) {
      response =
          ready.getAsBoolean()
              ? text(HttpResponseStatus.OK, "ready\n")
              : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
    } else if ("/status".equals(path)) {
      response = text(HttpResponseStatus.OK, status.get());
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    } else {
      response =
          text(
              HttpResponseStatus.NOT_FOUND,
              "not found: /metrics, /health/live, /health/ready, /status\n");
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (HttpMethod.HEAD.equals(request.method())) {
      response.content().clear();
    }
    if (keepAlive) {
      HttpUtil.setKeepAlive(response, true);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The request's path, or null when its escapes are malformed. */
  private static String path(String uri) {
    try {
      return new QueryStringDecoder(uri).path();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private FullHttpResponse metrics(ChannelHandlerContext ctx, String accept) throws IOException {
    ExpositionFormatWriter writer = formats.findWriter(accept);
    if (!writer.isAvailable()) {
      // The protobuf format, which a scraper with native histograms asks for first, needs a
      // library this service does not ship; such a scraper takes the text formats as well.
      OpenMetricsTextFormatWriter openMetrics = formats.getOpenMetricsTextFormatWriter();
      writer = openMetrics.accepts(accept) ? openMetrics : formats.getPrometheusTextFormatWriter();
    }
    ByteBuf body = ctx.alloc().buffer(16 * 1024);
    try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
      writer.write(out, registry.scrape(EXPORTED));
    } catch (IOException | RuntimeException e) {
      body.release();
      throw e;
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
    return response;
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return response;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
