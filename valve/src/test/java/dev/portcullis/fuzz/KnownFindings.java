package dev.portcullis.fuzz;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Findings already reported and awaiting a fix in {@code valve/src/main}. The fuzz tests count and
 * print them instead of failing, so they keep guarding against everything else meanwhile. Each entry
 * matches one root cause as narrowly as a stack trace allows; delete the entry with the fix.
 * {@code -Dportcullis.fuzz.strict=true} treats them as failures again, to check a fix.
 */
final class KnownFindings {

    /**
     * @param id          short name, printed in the summary
     * @param description the bug and its effect, with its reproducer
     * @param matches     recognizes the throwable
     */
    record Known(String id, String description, Predicate<Throwable> matches) {
    }

    static final List<Known> ALL = List.of(
            new Known("null-signature-algorithm", "a ds:DigestMethod or ds:SignatureMethod without Algorithm:"
                    + " AlgorithmPolicy.isAllowedDigest / keyAlgorithmFor look null up in Set.of / Map.of, which throw"
                    + " NullPointerException; the ACS answers 500 instead of 403 (reported with a reproducer:"
                    + " removing the attribute from a signed response)",
                    e -> e instanceof NullPointerException && thrownFrom(e, "dev.portcullis.saml.AlgorithmPolicy")));

    private KnownFindings() {
    }

    /** The known finding this throwable is, unless {@code portcullis.fuzz.strict}. */
    static Optional<Known> match(Throwable e) {
        if (Boolean.getBoolean("portcullis.fuzz.strict")) {
            return Optional.empty();
        }
        return ALL.stream().filter(known -> known.matches().test(e)).findFirst();
    }

    private static boolean thrownFrom(Throwable e, String className) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
