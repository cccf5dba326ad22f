package dev.portcullis.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A finding: the mutant, the seed it came from, what was wrong, and how to get it again. Written to
 * {@code target/fuzz-failures/} as {@code <phase>-<run seed>-<mutant>.txt} (everything, including the
 * IdP certificate and settings needed to validate the mutant outside the fuzzer), {@code .b64} (the
 * exact {@code SAMLResponse} field) and {@code .xml} (its decoded bytes, when it decodes).
 *
 * @param phase     {@code validator}, {@code acs} or {@code jazzer}
 * @param runSeed   the run's seed ({@code -Dportcullis.fuzz.seed})
 * @param number    the mutant's number in the run ({@code -Dportcullis.fuzz.mutant})
 * @param seed      the seed's description ({@link FuzzSeed#describe()}), or what stands for it
 * @param mutant    the mutant
 * @param verdict   the failed verdict
 */
record FuzzFailure(String phase, long runSeed, long number, String seed, Mutant mutant, Oracles.Verdict verdict) {

    /** The directory findings go to: {@code target/fuzz-failures} of the module under test. */
    static Path directory() {
        return Path.of(System.getProperty("basedir", "."), "target", "fuzz-failures");
    }

    String fileStem() {
        return phase + "-" + runSeed + "-" + number;
    }

    /** How to get the same mutant again. */
    String reproduce() {
        if ("jazzer".equals(phase)) {
            return "move the crash-* file from target/jazzer/ into src/test/resources/dev/portcullis/fuzz/"
                    + "ResponseValidatorFuzzTestInputs/validatorReturnsTheGenuineIdentityOrRefusesWithACode/ and run"
                    + " mvn -B test -pl valve -Dtest=ResponseValidatorFuzzTest (regression mode replays it)";
        }
        return "mvn -B test -pl valve -Dtest=AcsFuzzTest -Dportcullis.fuzz.seed=" + runSeed + " -Dportcullis.fuzz.mutant=" + number;
    }

    /** One paragraph for a test failure message. */
    String summary() {
        return phase + " mutant " + number + " of seed " + mutant.seed() + ": " + verdict.problem()
                + (verdict.cause() == null ? "" : " [" + verdict.cause() + "]")
                + "\n    operations: " + mutant.operations()
                + "\n    reproduce:  " + reproduce()
                + "\n    files:      " + directory().resolve(fileStem() + ".txt");
    }

    /** Writes the report files and returns the main one. */
    Path write() {
        try {
            Path dir = Files.createDirectories(directory());
            StringBuilder report = new StringBuilder();
            report.append("finding: ").append(verdict.problem()).append('\n')
                    .append("phase: ").append(phase).append('\n')
                    .append("run seed: ").append(runSeed).append('\n')
                    .append("mutant: ").append(number).append('\n')
                    .append("reproduce: ").append(reproduce()).append('\n')
                    .append("operations:\n");
            mutant.operations().forEach(op -> report.append("  ").append(op).append('\n'));
            report.append('\n').append(seed).append('\n');
            if (verdict.cause() != null) {
                StringWriter trace = new StringWriter();
                verdict.cause().printStackTrace(new PrintWriter(trace));
                report.append("stack trace:\n").append(trace);
            }
            Path txt = dir.resolve(fileStem() + ".txt");
            Files.writeString(txt, report, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(fileStem() + ".b64"), mutant.samlResponse(), StandardCharsets.UTF_8);
            byte[] decoded = decoded(mutant.samlResponse());
            if (decoded != null) {
                Files.write(dir.resolve(fileStem() + ".xml"), decoded);
            }
            return txt;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fuzz finding", e);
        }
    }

    private static byte[] decoded(String field) {
        try {
            return Base64.getMimeDecoder().decode(field);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
