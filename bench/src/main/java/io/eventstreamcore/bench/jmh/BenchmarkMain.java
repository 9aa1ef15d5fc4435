package io.eventstreamcore.bench.jmh;

/** Runs JMH benchmarks: {@code BenchmarkMain [JMH options] [benchmark regex]}. */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  /** Delegates to JMH's own command line. */
  public static void main(String[] args) throws Exception {
    org.openjdk.jmh.Main.main(args);
  }
}
