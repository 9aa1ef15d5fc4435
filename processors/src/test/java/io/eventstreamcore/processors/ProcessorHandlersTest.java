package io.eventstreamcore.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.eventstreamcore.engine.config.EngineSettings;
import io.eventstreamcore.engine.event.Route;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.spi.ProcessorBinding;
import io.eventstreamcore.processors.batch.BatchHandler;
import io.eventstreamcore.processors.config.ProcessorSettings;
import io.eventstreamcore.processors.handlers.NoopHandler;
import io.eventstreamcore.processors.realtime.RealtimeHandler;
import io.eventstreamcore.processors.transactional.IdAuditHandler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Building the configured handlers, and every way an entry can be wrong. */
class ProcessorHandlersTest {
  private static final String HANDLERS = "eventstream.processors.realtime.handlers";

  private static List<ProcessorBinding> create(String overrides) {
    Config config =
        ConfigFactory.parseString(overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    return ProcessorHandlers.create(
        new ProcessorSettings(config),
        new EngineSettings(config),
        new EngineMetrics(),
        ProcessorHandlersTest.class.getClassLoader());
  }

  @Test
  void theDefaultsAreTheBuiltInsOnePerKind() {
    List<ProcessorBinding> bindings = create("");

    assertThat(bindings)
        .extracting(ProcessorBinding::route, ProcessorBinding::name)
        .containsExactly(
            tuple(Route.REALTIME, "alert-rules"),
            tuple(Route.TRANSACTIONAL, "id-audit"),
            tuple(Route.BATCH, "windows"));
    assertThat(bindings.get(0).handler()).isInstanceOf(RealtimeHandler.class);
    assertThat(bindings.get(1).handler()).isInstanceOf(IdAuditHandler.class);
    assertThat(bindings.get(2).handler()).isInstanceOf(BatchHandler.class);
  }

  @Test
  void classesAndFactoriesAreInstantiatedInOrderWithTheirNamesAndConfig() {
    List<ProcessorBinding> bindings =
        create(
            HANDLERS
                + " = [{ handler = alert-rules },"
                + " { class = \"io.eventstreamcore.processors.handlers.NoopHandler\","
                + " config { limit = 7 } },"
                + " { handler = noop, name = from-factory }]");

    List<ProcessorBinding> realtime =
        bindings.stream().filter(b -> b.route() == Route.REALTIME).toList();
    assertThat(realtime)
        .extracting(ProcessorBinding::name)
        .containsExactly("alert-rules", "NoopHandler", "from-factory");
    assertThat(realtime.get(1).handler()).isInstanceOf(NoopHandler.class);
    assertThat(realtime.get(1).config().getInt("limit")).isEqualTo(7);
    assertThat(realtime.get(2).handler()).isInstanceOf(NoopHandler.class);
    assertThat(realtime.get(2).config().isEmpty()).isTrue();
  }

  @Test
  void anUnknownClassIsNamedWithItsKey() {
    assertThatThrownBy(() -> create(HANDLERS + " = [{ class = com.example.Missing }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(HANDLERS + "[0].class")
        .hasMessageContaining("'com.example.Missing' is not a class on the class path");
  }

  @Test
  void aClassNotImplementingTheSpiIsRefused() {
    assertThatThrownBy(() -> create(HANDLERS + " = [{ class = java.lang.String }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(HANDLERS + "[0].class")
        .hasMessageContaining(
            "'java.lang.String' does not implement io.eventstreamcore.engine.spi.ProcessorHandler");
  }

  @Test
  void aFailingConstructorIsReportedWithItsCause() {
    String name = "io.eventstreamcore.processors.handlers.FailingConstructorHandler";
    assertThatThrownBy(() -> create(HANDLERS + " = [{ class = \"" + name + "\" }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(HANDLERS + "[0].class")
        .hasMessageContaining("'" + name + "' constructor failed")
        .hasMessageContaining("license file missing")
        .hasRootCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void aClassWithoutANoArgumentConstructorIsRefused() {
    String name = "io.eventstreamcore.processors.handlers.NoDefaultConstructorHandler";
    assertThatThrownBy(() -> create(HANDLERS + " = [{ class = \"" + name + "\" }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs a public no-argument constructor");
  }

  @Test
  void anUnknownHandlerNameListsWhatIsKnown() {
    assertThatThrownBy(() -> create(HANDLERS + " = [{ handler = nope }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(HANDLERS + "[0].handler")
        .hasMessageContaining("[alert-rules, id-audit, windows]")
        .hasMessageContaining("[noop]");
  }

  @Test
  void aBuiltInRunsOnlyUnderItsOwnKind() {
    assertThatThrownBy(
            () ->
                create(
                    "eventstream.processors.batch.handlers = [{ handler = alert-rules, name = x }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.batch.handlers[0].handler")
        .hasMessageContaining("is a built-in realtime handler");
  }

  @Test
  void aBuiltInIsListedOnce() {
    assertThatThrownBy(
            () ->
                create(
                    "eventstream.processors.transactional.handlers ="
                        + " [{ handler = id-audit }, { handler = id-audit, name = again }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.transactional.handlers[1].handler")
        .hasMessageContaining("is listed twice");
  }

  @Test
  void entriesAreCheckedKeyByKey() {
    assertThatThrownBy(() -> create(HANDLERS + " = [{ handler = noop, class = \"x.Y\" }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(HANDLERS + "[0]")
        .hasMessageContaining("exactly one of handler");
    assertThatThrownBy(() -> create(HANDLERS + " = [{ handler = noop, colour = red }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(HANDLERS + "[0].colour");
    assertThatThrownBy(() -> create(HANDLERS + " = [{ handler = noop, config = 3 }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(HANDLERS + "[0].config");
    assertThatThrownBy(() -> create(HANDLERS + " = noop"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(HANDLERS);
    // Names are unique over every kind: alert-rules is already the realtime default's.
    assertThatThrownBy(
            () ->
                create(
                    "eventstream.processors.batch.handlers = [{ handler = windows,"
                        + " name = alert-rules }]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventstream.processors.batch.handlers[0].name")
        .hasMessageContaining("is the name of an earlier handler");
  }
}
