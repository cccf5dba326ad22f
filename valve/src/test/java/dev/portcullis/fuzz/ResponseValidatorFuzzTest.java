package dev.portcullis.fuzz;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@code ResponseValidator.validate} with Jazzer (libFuzzer in the JVM):
 * Jazzer's input bytes pick the seed, the number of operations and every choice of the structural
 * {@link ResponseMutator}, so coverage feedback steers which mutations of real signed responses are
 * tried. The oracle is {@link AcsFuzzTest}'s: return the genuine identity or throw
 * {@code SamlValidationException}, nothing else.
 *
 * <ul>
 *   <li>In a normal build ({@code mvn test}) Jazzer runs in regression mode: the empty input (the
 *       first seed, unmutated, which must be accepted) and any inputs a fuzzing run left in
 *       {@code target/jazzer/.cifuzz-corpus/}; a second or so (Jazzer's sanitizer hooks are off for
 *       that, since installing them re-instruments every class already loaded).</li>
 *   <li>Fuzzing for ten minutes (the {@code maxDuration} below; libFuzzer stops at the first finding):
 *       <pre>JAZZER_FUZZ=1 mvn -B test -pl valve -Dtest=ResponseValidatorFuzzTest</pre>
 *       Jazzer instruments the classes in {@code target/classes} and {@code target/test-classes} for
 *       coverage; {@code -Djazzer.instrument=dev.portcullis.**,org.apache.xml.security.**} adds Santuario.
 *       Its corpus and crash files go to {@code target/jazzer/}; a finding is also written to
 *       {@code target/fuzz-failures/jazzer-*} like the seeded run's.</li>
 * </ul>
 */
class ResponseValidatorFuzzTest {

    private static final AtomicLong EXECUTIONS = new AtomicLong();
    private static volatile ResponseMutator mutator;

    @BeforeAll
    static void configureJazzer() {
        // Jazzer reads its settings when the first fuzz test starts, after this. It writes its generated
        // corpus and crash files to this directory (by default the module root).
        if (System.getProperty("jazzer.internal.basedir") == null) {
            System.setProperty("jazzer.internal.basedir",
                    Path.of(System.getProperty("basedir", "."), "target", "jazzer").toAbsolutePath().toString());
        }
        // Replaying a few inputs needs neither its sanitizers nor its comparison hooks, and installing them
        // re-instruments every class already loaded in the test JVM: about ten seconds of a normal build.
        if (!"1".equals(System.getenv("JAZZER_FUZZ")) && System.getProperty("jazzer.hooks") == null) {
            System.setProperty("jazzer.hooks", "false");
        }
        mutator = new ResponseMutator(FuzzSeeds.all());
        QuietSantuario.quiet();
    }

    @AfterAll
    static void restoreLogging() {
        QuietSantuario.restore();
    }

    @FuzzTest(maxDuration = "10m")
    void validatorReturnsTheGenuineIdentityOrRefusesWithACode(FuzzedDataProvider data) {
        List<FuzzSeed> seeds = FuzzSeeds.all();
        FuzzSeed seed = seeds.get(data.consumeInt(0, seeds.size() - 1));
        int operations = data.consumeInt(0, 8);
        Mutant mutant = mutator.mutate(seed.name(), seed.xml(), seed.encryptAssertion(), Choices.of(data), operations);

        Oracles.Verdict verdict = Oracles.judgeValidation(FuzzSeeds.acceptableIdentities(seed, mutant), seed::validate,
                mutant.samlResponse());

        long number = EXECUTIONS.getAndIncrement();
        if (operations == 0 && verdict.outcome() != Oracles.Outcome.ACCEPTED) {
            verdict = Oracles.Verdict.failed("the seed is refused unmutated (" + verdict.code() + ")", verdict.cause());
        }
        if (verdict.failed()) {
            FuzzFailure failure = new FuzzFailure("jazzer", 0, number, seed.describe(), mutant, verdict);
            failure.write();
            throw new AssertionError(failure.summary(), verdict.cause());
        }
    }
}
