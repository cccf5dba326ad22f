package dev.portcullis.tools;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.config.Durations;
import dev.portcullis.config.Settings;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.ResponseValidator;
import dev.portcullis.saml.ResponseValidator.Diagnosis;
import dev.portcullis.saml.ResponseValidator.Outcome;
import dev.portcullis.saml.ResponseValidator.StepResult;
import dev.portcullis.saml.SamlErrorCode;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.ValidatedAssertion;

/**
 * Validates a Response offline with the valve's own {@link ResponseValidator#diagnose}, at a chosen
 * instant and against a chosen AuthnRequest ID, then applies the two checks the valve makes after
 * the validator (the required AuthnContextClassRef, and {@code principalAttribute}), and prints
 * every step: PASS, FAIL with the error code, its meaning and the precise detail, or SKIP.
 *
 * <p>Once a signature step has failed, nothing later in the message is trusted: the steps after it
 * describe what the message claims, and the report marks them so.
 */
final class OfflineValidation {

    /** Steps whose failure leaves the rest of the message unauthenticated. */
    private static final List<String> SIGNATURE_STEPS = List.of("response-signature", "assertion-signature");
    private static final int STEP_WIDTH = 21;
    /** Codes that mean "checked at the wrong moment" when a capture is checked later. */
    private static final List<SamlErrorCode> TIMING = List.of(SamlErrorCode.INVALID_ISSUE_INSTANT,
            SamlErrorCode.ASSERTION_EXPIRED, SamlErrorCode.ASSERTION_NOT_YET_VALID, SamlErrorCode.SESSION_NOT_ON_OR_AFTER_PASSED);

    private final Report report;
    private final Settings settings;
    private final ValveSetup.LoadedIdp loaded;
    private final SecureXml xml;

    OfflineValidation(Report report, Settings settings, ValveSetup.LoadedIdp loaded, SecureXml xml) {
        this.report = report;
        this.settings = settings;
        this.loaded = loaded;
        this.xml = xml;
    }

    /**
     * The validator the valve would build from these settings and this metadata; the same
     * construction as the valve's {@code ServiceProviderFactory.create}, with a fixed clock and a
     * replay cache of this run only.
     */
    static ResponseValidator validator(Settings settings, IdpMetadata idp, SecureXml xml, Instant at) {
        return dev.portcullis.engine.ServiceProviderFactory.responseValidator(settings, idp,
                dev.portcullis.engine.ServiceProviderFactory.decrypter(settings, xml), xml, Clock.fixed(at, ZoneOffset.UTC),
                new MemoryReplayCache());
    }

    /**
     * What to validate against, and what the message says about itself (for hints only).
     *
     * @param at           the check instant
     * @param atGiven      the instant came from {@code --at} rather than the clock
     * @param inResponseTo the expected AuthnRequest ID, or null (unsolicited)
     * @param stepUp       require stepUpAuthnContext instead of requestedAuthnContext
     * @param carried      the InResponseTo the Response carries, or null
     * @param issued       the IssueInstant the Response carries, or null
     * @param responseSigned the Response carries a signature of its own
     */
    record Check(Instant at, boolean atGiven, String inResponseTo, boolean stepUp, String carried, Instant issued,
                 boolean responseSigned) {
    }

    /**
     * Runs and prints the validation.
     *
     * @param samlResponse the SAMLResponse form field
     * @return whether the valve would accept the sign-in
     */
    boolean run(String samlResponse, Check check) {
        Instant at = check.at();
        String inResponseTo = check.inResponseTo();
        String carried = check.carried();
        boolean stepUp = check.stepUp();
        IdpMetadata idp = loaded.idp();
        report.line("Checked against");
        report.field(1, "check instant", at.toString());
        report.field(1, "ACS URL", settings.acsUrl());
        report.field(1, "SP entityID", settings.spEntityId());
        report.field(1, "IdP entityID", idp.entityId());
        report.field(1, "IdP metadata", loaded.source() + (loaded.signatureChecked() ? " (signature verified)" : ""));
        for (X509Certificate certificate : idp.signingCertificates()) {
            MetadataSummary.describe(report, 1, "IdP signing key", certificate, at);
        }
        report.field(1, "policy", "wantAssertionsSigned=" + settings.wantAssertionsSigned()
                + " wantAssertionsEncrypted=" + settings.wantAssertionsEncrypted()
                + " allowUnsolicitedResponses=" + settings.allowUnsolicitedResponses()
                + " allowSha1=" + settings.allowSha1()
                + " clockSkew=" + Durations.format(settings.clockSkew())
                + " maxResponseAge=" + Durations.format(settings.maxResponseAge()));
        report.field(1, "SP keys", settings.decryptionCredentials().isEmpty() ? "none (encrypted content cannot be read)"
                : settings.decryptionCredentials().size() + " for decryption (never printed)");
        if (inResponseTo != null) {
            report.field(1, "InResponseTo", "must be " + Text.quoted(inResponseTo) + " (--in-response-to)");
        } else {
            report.field(1, "InResponseTo", "none expected: validated as an unsolicited (IdP-initiated) response, as the"
                    + " valve does when the RelayState names no pending sign-in");
            if (carried != null) {
                report.indented(1, "(this Response carries InResponseTo " + Text.quoted(carried) + ")");
            }
        }
        report.line("Steps");

        SignatureLog signatureLog = new SignatureLog();
        Diagnosis diagnosis;
        try {
            diagnosis = validator(settings, idp, xml, at).diagnose(samlResponse, inResponseTo);
        } finally {
            signatureLog.close();
        }
        List<StepResult> steps = new ArrayList<>(diagnosis.steps());
        steps.addAll(valveSteps(diagnosis.result(), inResponseTo == null, stepUp));

        boolean untrusted = false;
        StepResult first = null;
        for (StepResult step : steps) {
            String name = step.step();
            switch (step.outcome()) {
                case PASSED -> report.indented(1, "PASS  " + pad(name) + " " + step.what()
                        + (untrusted ? "  [untrusted: as the message claims]" : ""));
                case SKIPPED -> report.indented(1, "SKIP  " + pad(name) + " " + step.what()
                        + "  [skipped: it needs a step that failed]");
                case FAILED -> {
                    SamlValidationException failure = step.failure();
                    SamlErrorCode code = failure.code();
                    report.indented(1, "FAIL  " + pad(name) + " " + step.what());
                    report.indented(4, code.code() + ": " + code.description());
                    report.indented(4, "detail: " + Text.safe(failure.detail()));
                    if (code == SamlErrorCode.INVALID_SIGNATURE && failure.detail().contains("does not verify")) {
                        report.indented(4, "why: " + (signatureLog.digestMismatch()
                                ? "the signed element's digest does not match: its content was changed after the IdP signed it"
                                : "the content matches its digest, but the signature value does not verify with the metadata"
                                + " key(s): it was signed with another key (an IdP key rollover? check the IdP's current"
                                + " metadata)"));
                    }
                    if (SIGNATURE_STEPS.contains(name) && !untrusted) {
                        if (coveredByResponseSignature(name, code, steps, check)) {
                            report.indented(4, "note: the Response signature verified, so the content is the IdP's; only"
                                    + " wantAssertionsSigned=true refuses an Assertion that is not signed itself");
                        } else {
                            untrusted = true;
                            report.warning(4, "a signature failed: nothing after this step comes from the IdP; later"
                                    + " steps check what the message claims");
                        }
                    }
                    if (first == null) {
                        first = step;
                    }
                }
                default -> throw new IllegalStateException(step.outcome().toString());
            }
        }
        report.line("");
        if (first == null) {
            ValidatedAssertion result = diagnosis.result();
            report.line("Result: VALID - the valve would accept this sign-in.");
            report.field(1, "principal", principal(result));
            report.field(1, "roles", settings.roleMapper().roles(result.attributes()).toString());
            report.field(1, "NameID", Text.quoted(result.nameId()) + " (" + Text.shortUri(result.nameIdFormat()) + ")");
            report.field(1, "AuthnContext", result.authnContextClassRef());
            report.field(1, "attributes", result.attributes().toString());
            return true;
        }
        report.line("Result: INVALID - the valve would refuse this sign-in with " + first.failure().code().code()
                + " (step " + first.step() + ").");
        hints(steps, check);
        return false;
    }

    /** An unsigned Assertion inside a Response whose own signature verified: refused by policy, not forged. */
    private static boolean coveredByResponseSignature(String step, SamlErrorCode code, List<StepResult> steps, Check check) {
        return step.equals("assertion-signature") && code == SamlErrorCode.MISSING_SIGNATURE && check.responseSigned()
                && steps.stream().anyMatch(s -> s.step().equals("response-signature") && s.outcome() == Outcome.PASSED);
    }

    /** Suggestions for the usual reasons a check made offline fails where the live one would not. */
    private void hints(List<StepResult> steps, Check check) {
        List<SamlErrorCode> codes = steps.stream().filter(s -> s.outcome() == Outcome.FAILED).map(s -> s.failure().code()).toList();
        boolean timing = codes.stream().anyMatch(TIMING::contains);
        if (timing && !check.atGiven() && check.issued() != null) {
            report.indented(1, "hint: the Response was issued " + Text.human(java.time.Duration.between(check.issued(), check.at()).abs())
                    + (check.issued().isBefore(check.at()) ? " before" : " after") + " now; to check a capture as of the"
                    + " moment it arrived, add --at " + check.issued());
        }
        boolean answer = codes.contains(SamlErrorCode.UNSOLICITED_RESPONSE) || codes.contains(SamlErrorCode.INVALID_IN_RESPONSE_TO);
        if (answer && check.inResponseTo() == null && check.carried() != null) {
            report.indented(1, "hint: the Response answers AuthnRequest " + Text.quoted(check.carried()) + "; add --in-response-to "
                    + Text.safe(check.carried()) + " to check it as that answer");
        } else if (answer && check.carried() != null && !check.carried().equals(check.inResponseTo())) {
            report.indented(1, "hint: the Response answers AuthnRequest " + Text.quoted(check.carried()) + ", not "
                    + Text.quoted(check.inResponseTo()) + ": it belongs to another sign-in (or an earlier attempt)");
        }
        if (codes.contains(SamlErrorCode.INVALID_DESTINATION) || codes.contains(SamlErrorCode.INVALID_RECIPIENT)
                || codes.contains(SamlErrorCode.INVALID_AUDIENCE)) {
            report.indented(1, "hint: the ACS URL is externalBaseUrl + context path + endpointPath + /acs, and the SP entityID"
                    + " is spEntityId (default: the SP metadata URL); they must match what is registered at the IdP");
        }
    }

    /**
     * The checks the valve makes after the validator: the AuthnContextClassRef a sign-in must use
     * (SamlResponseAuthenticator) and the principal attribute (SamlProfileCreator). They need a
     * validated assertion, so they are skipped after any failure.
     */
    private List<StepResult> valveSteps(ValidatedAssertion result, boolean unsolicited, boolean stepUp) {
        // A step-up always has a pending sign-in; an unsolicited response gets the every-sign-in requirement.
        boolean asStepUp = stepUp && !unsolicited;
        List<String> required = asStepUp ? settings.stepUpAuthnContext() : settings.requestedAuthnContext();
        String contextWhat = "the sign-in used an authentication method the valve requires ("
                + (asStepUp ? "stepUpAuthnContext" : "requestedAuthnContext") + ")";
        String principalWhat = "the user name can be taken (" + settings.principalAttribute().map(a -> "attribute " + a)
                .orElse("the NameID") + ")";
        List<StepResult> steps = new ArrayList<>();
        if (result == null) {
            steps.add(new StepResult("authn-context", contextWhat, Outcome.SKIPPED, null));
            steps.add(new StepResult("principal", principalWhat, Outcome.SKIPPED, null));
            return steps;
        }
        if (!required.isEmpty() && !required.contains(result.authnContextClassRef())) {
            steps.add(new StepResult("authn-context", contextWhat, Outcome.FAILED, new SamlValidationException(
                    SamlErrorCode.AUTHN_CONTEXT_NOT_SATISFIED, "AuthnContextClassRef [" + result.authnContextClassRef()
                    + "] is not one of the required " + required)));
        } else {
            steps.add(new StepResult("authn-context", contextWhat + (required.isEmpty() ? ": none required" : ""),
                    Outcome.PASSED, null));
        }
        if (principal(result) == null) {
            String attribute = settings.principalAttribute().orElseThrow();
            steps.add(new StepResult("principal", principalWhat, Outcome.FAILED, new SamlValidationException(
                    SamlErrorCode.MISSING_PRINCIPAL, "attribute [" + attribute + "] is absent or empty; attributes present "
                    + result.attributes().keySet())));
        } else {
            steps.add(new StepResult("principal", principalWhat, Outcome.PASSED, null));
        }
        return steps;
    }

    /** The user name the valve would set, as SamlProfileCreator takes it; null when it cannot. */
    private String principal(ValidatedAssertion result) {
        String attribute = settings.principalAttribute().orElse(null);
        if (attribute == null) {
            return result.nameId();
        }
        List<String> values = result.attributes().get(attribute);
        return values == null ? null : values.stream().filter(v -> !v.isBlank()).findFirst().orElse(null);
    }

    /**
     * Captures what Santuario logs while the signatures are checked, instead of letting it reach the
     * console: whether a Reference's digest failed is what tells "content altered" from "other key".
     * Santuario logs through {@code System.Logger}, which the JDK routes to java.util.logging.
     */
    private static final class SignatureLog extends java.util.logging.Handler {

        private final java.util.logging.Logger logger =
                java.util.logging.Logger.getLogger(org.apache.xml.security.Init.class.getPackageName());
        private final boolean parentHandlers = logger.getUseParentHandlers();
        private boolean digestMismatch;

        SignatureLog() {
            logger.addHandler(this);
            logger.setUseParentHandlers(false);
        }

        @Override
        public void publish(java.util.logging.LogRecord record) {
            String message = record.getMessage();
            if (message != null && message.startsWith("Verification failed for URI")) {
                digestMismatch = true;
            }
        }

        boolean digestMismatch() {
            return digestMismatch;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setUseParentHandlers(parentHandlers);
        }
    }

    private static String pad(String name) {
        return name.length() >= STEP_WIDTH ? name : name + " ".repeat(STEP_WIDTH - name.length());
    }
}
