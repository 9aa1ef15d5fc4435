package io.eventstreamcore.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP GETs as an operator's tools send them: to a service's admin port, or to any URL. */
final class AdminHttp {
  // One client (and its one selector thread) for the whole test run.
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private AdminHttp() {}

  /** GET {@code path} (e.g. {@code /metrics}) from the admin port of {@code service}. */
  static HttpResponse<String> get(EventStreamService service, String path)
      throws IOException, InterruptedException {
    return get("http://127.0.0.1:" + service.adminAddress().getPort() + path);
  }

  /** GET {@code url}, failing after 10 s without a reply. */
  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one series (name and labels, exactly as exposed) on the service's /metrics. */
  static double metric(EventStreamService service, String series)
      throws IOException, InterruptedException {
    HttpResponse<String> response = get(service, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return value(response.body(), series);
  }

  /** The value of one series in a Prometheus text exposition; asserts the series is there. */
  static double value(String exposition, String series) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
            .matcher(exposition);
    assertThat(m.find()).as("series %s present", series).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
