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

    /**
     * Empty: nothing is awaiting a fix. The first entry, a ds:DigestMethod or ds:SignatureMethod without
     * Algorithm reaching {@code Set.of(..).contains(null)} in AlgorithmPolicy (a 500 at the ACS), was
     * fixed by 94185d5 and removed with it.
     */
    static final List<Known> ALL = List.of();

    private KnownFindings() {
    }

    /** The known finding this throwable is, unless {@code portcullis.fuzz.strict}. */
    static Optional<Known> match(Throwable e) {
        if (Boolean.getBoolean("portcullis.fuzz.strict")) {
            return Optional.empty();
        }
        return ALL.stream().filter(known -> known.matches().test(e)).findFirst();
    }

    /** Whether a frame of {@code className} threw or called on the way: to tie an entry to one root cause. */
    static boolean thrownFrom(Throwable e, String className) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
