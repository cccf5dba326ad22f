package dev.portcullis.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.ValidatedAssertion;

/**
 * The fuzzer's oracles. Each returns a {@link Verdict}; only {@link Outcome#FAILED} is a finding.
 * <ul>
 *   <li><b>No unexpected exception</b>: {@code validate} returns or throws
 *       {@link SamlValidationException}; any other throwable (NullPointerException,
 *       StackOverflowError, ClassCastException, an unchecked exception from Santuario ...) is a failure.</li>
 *   <li><b>No session without a valid signature</b>: an accepted message yields exactly the identity of
 *       the genuine signed assertion (issuer, assertion ID, NameID and its qualifiers, session index,
 *       authentication instant and context, attributes, InResponseTo); a mutation may be accepted only
 *       if it left signed content alone.</li>
 *   <li><b>The ACS</b>: never a 5xx; a refusal is 403 and sets no session cookie; an acceptance is a
 *       303 that sets one, and the session then shows the genuine identity; and the ACS accepts
 *       exactly what the validator accepts.</li>
 * </ul>
 */
final class Oracles {

    /** KNOWN: a finding listed in {@link KnownFindings}, already reported, counted but not failed on. */
    enum Outcome { ACCEPTED, REFUSED, KNOWN, FAILED }

    /**
     * @param outcome what happened
     * @param code    the refusal's error code (validator), the HTTP status (ACS), or the known finding's id;
     *                null when accepted
     * @param problem why it is a failure; null otherwise
     * @param cause   the unexpected throwable, if that is the failure
     */
    record Verdict(Outcome outcome, String code, String problem, Throwable cause) {

        static Verdict accepted() {
            return new Verdict(Outcome.ACCEPTED, null, null, null);
        }

        static Verdict refused(String code) {
            return new Verdict(Outcome.REFUSED, code, null, null);
        }

        static Verdict known(KnownFindings.Known finding) {
            return new Verdict(Outcome.KNOWN, finding.id(), null, null);
        }

        static Verdict failed(String problem, Throwable cause) {
            return new Verdict(Outcome.FAILED, null, problem, cause);
        }

        boolean failed() {
            return outcome == Outcome.FAILED;
        }
    }

    /** What the fuzzer validates with: the real validator, or a broken one in the oracles' own tests. */
    @FunctionalInterface
    interface Target {
        ValidatedAssertion validate(String samlResponse) throws SamlValidationException;
    }

    private Oracles() {
    }

    /** Validates one message and judges the result against the genuine identity. */
    static Verdict judgeValidation(ValidatedAssertion genuine, Target target, String samlResponse) {
        return judgeValidation(List.of(genuine), target, samlResponse);
    }

    /**
     * Validates one message and judges the result against the identities it may carry: its seed's,
     * and those of seeds whose elements were spliced into it (a whole signed Assertion of another
     * response from the same IdP, for the same SP and request, is rightly accepted as itself).
     */
    static Verdict judgeValidation(List<ValidatedAssertion> genuine, Target target, String samlResponse) {
        ValidatedAssertion result;
        try {
            result = target.validate(samlResponse);
        } catch (SamlValidationException e) {
            if (e.code() == null) {
                return Verdict.failed("refused without an error code", e);
            }
            return Verdict.refused(e.code().code());
        } catch (Throwable e) {
            // Deliberately everything, errors included: the ACS turns any of them into a 5xx.
            var known = KnownFindings.match(e);
            if (known.isPresent()) {
                return Verdict.known(known.get());
            }
            return Verdict.failed("validate threw " + e.getClass().getName() + " instead of returning or throwing"
                    + " SamlValidationException", e);
        }
        // null first: List.of(...).contains(null) throws.
        if (result == null || !genuine.contains(result)) {
            return Verdict.failed("accepted with an identity other than the genuine signed one: "
                    + difference(genuine.get(0), result), null);
        }
        return Verdict.accepted();
    }

    /**
     * Judges the ACS's answer to one mutant.
     *
     * @param status          the HTTP status of the POST to the ACS
     * @param sessionCookie   whether that answer set a (non-empty) session cookie
     * @param identity        what the webapp saw after following a 303 (null when not a 303)
     * @param genuine         what it sees after the unmutated response
     * @param validatorAccepts whether the validator, called directly on the same message, accepts it
     */
    static Verdict judgeAcs(int status, boolean sessionCookie, Map<String, String> identity, Map<String, String> genuine,
                            boolean validatorAccepts) {
        if (status >= 500) {
            return Verdict.failed("the ACS answered " + status, null);
        }
        if (status == 403) {
            if (sessionCookie) {
                return Verdict.failed("refused (403) but set a session cookie", null);
            }
            if (validatorAccepts) {
                return Verdict.failed("the ACS refused (403) a message the validator accepts", null);
            }
            return Verdict.refused("403");
        }
        if (status == 303) {
            if (!sessionCookie) {
                return Verdict.failed("303 without a session cookie", null);
            }
            if (!validatorAccepts) {
                return Verdict.failed("the ACS signed in with a message the validator refuses", null);
            }
            if (!genuine.equals(identity)) {
                return Verdict.failed("signed in as " + identity + " instead of " + genuine, null);
            }
            return Verdict.accepted();
        }
        return Verdict.failed("unexpected HTTP status " + status + " from the ACS (expected 303 or 403)", null);
    }

    /** The fields that differ, expected vs actual. */
    static String difference(ValidatedAssertion expected, ValidatedAssertion actual) {
        if (actual == null) {
            return "[validate returned null]";
        }
        List<String> diffs = new ArrayList<>();
        compare(diffs, "issuer", expected.issuer(), actual.issuer());
        compare(diffs, "assertionId", expected.assertionId(), actual.assertionId());
        compare(diffs, "nameId", expected.nameId(), actual.nameId());
        compare(diffs, "nameIdFormat", expected.nameIdFormat(), actual.nameIdFormat());
        compare(diffs, "nameQualifier", expected.nameQualifier(), actual.nameQualifier());
        compare(diffs, "spNameQualifier", expected.spNameQualifier(), actual.spNameQualifier());
        compare(diffs, "sessionIndex", expected.sessionIndex(), actual.sessionIndex());
        compare(diffs, "authnInstant", expected.authnInstant(), actual.authnInstant());
        compare(diffs, "authnContextClassRef", expected.authnContextClassRef(), actual.authnContextClassRef());
        compare(diffs, "sessionNotOnOrAfter", expected.sessionNotOnOrAfter(), actual.sessionNotOnOrAfter());
        compare(diffs, "inResponseTo", expected.inResponseTo(), actual.inResponseTo());
        for (String name : union(expected.attributes().keySet(), actual.attributes().keySet())) {
            compare(diffs, "attribute " + name, expected.attributes().get(name), actual.attributes().get(name));
        }
        return diffs.isEmpty() ? "[equal field by field, yet not equals()]" : String.join("; ", diffs);
    }

    private static void compare(List<String> diffs, String field, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            diffs.add(field + " [" + actual + "] expected [" + expected + "]");
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
