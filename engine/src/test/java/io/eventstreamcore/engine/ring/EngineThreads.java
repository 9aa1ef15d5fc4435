package io.eventstreamcore.engine.ring;

import java.util.List;

/** The engine's threads (all named {@code eventstream-...}) alive now, by name. */
final class EngineThreads {
  private EngineThreads() {}

  static List<String> live() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("eventstream-"))
        .toList();
  }
}
