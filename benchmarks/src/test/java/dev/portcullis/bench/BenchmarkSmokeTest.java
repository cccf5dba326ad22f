package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * What `mvn verify` checks of the benchmarks: they compile, and each benchmark method runs once in
 * this JVM (no fork, no warm-up, one single-shot iteration), so a benchmark that throws — a message
 * the validator or a baseline refuses, a broken class loader — fails the build. No figure from here
 * means anything; the measurements are scripts/benchmarks.sh.
 */
class BenchmarkSmokeTest {

    @Test
    void everyAcsBenchmarkRunsOnce() throws Exception {
        // forks(0) runs in this JVM, so the small sizes go in as system properties here.
        System.setProperty("portcullis.bench.messages", "2");
        System.setProperty("portcullis.bench.replayPrefill", "10");
        Options options = new OptionsBuilder()
                .include(AcsBenchmark.class.getName() + "\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .mode(Mode.SingleShotTime)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .jvmArgsAppend("-Dportcullis.bench.messages=2", "-Dportcullis.bench.replayPrefill=10")
                .build();

        Collection<RunResult> results = new Runner(options).run();

        assertThat(results).extracting(r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""))
                .containsExactlyInAnyOrder("floor", "floorEagerDom", "floor2Threads", "portcullis", "portcullis2Threads", "pairCpuTime",
                        "replayInsertAndRemove", "openSaml3", "oneLoginXsd", "oneLoginNoXsd");
    }
}
