package dev.portcullis.tools;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.portcullis.config.Durations;
import dev.portcullis.config.Settings;
import dev.portcullis.engine.ServiceProviderFactory;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.ResponseInput;
import dev.portcullis.saml.ResponseValidator;
import dev.portcullis.saml.ResponseValidator.Diagnosis;
import dev.portcullis.saml.ResponseValidator.Outcome;
import dev.portcullis.saml.ResponseValidator.StepResult;
import dev.portcullis.saml.SamlErrorCode;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.ValidatedAssertion;

/**
 * Validates a Response offline with the valve's own {@link ResponseValidator#diagnose}: the same
 * {@code ResponseStep}s the valve's ACS runs, built from the same settings by the same
 * {@link ServiceProviderFactory}, at a chosen instant and against a chosen AuthnRequest ID. It prints
 * every step (PASS, FAIL with the error code, its meaning and the precise detail, SKIP, or not
 * checked with the reason) and adds nothing to the verdict: which steps exist, in which order, what
 * they check and whether the content is still the IdP's word after a signature failed all come from
 * the validator. What is added here is presentation: the settings used, hints, and the time
 * difference between the IdP's IssueInstant and the check instant.
 */
final class OfflineValidation {

    private static final int STEP_WIDTH = 21;
    /** Codes that mean "the clocks disagree" (or "checked at the wrong moment"). */
    private static final Set<SamlErrorCode> TIMING = Set.of(SamlErrorCode.INVALID_ISSUE_INSTANT,
            SamlErrorCode.ASSERTION_EXPIRED, SamlErrorCode.ASSERTION_NOT_YET_VALID, SamlErrorCode.SESSION_NOT_ON_OR_AFTER_PASSED,
            SamlErrorCode.IDP_METADATA_EXPIRED);

    private final Report report;
    private final ValveSetup setup;
    private final Settings settings;
    private final SecureXml xml;

    OfflineValidation(Report report, ValveSetup setup, SecureXml xml) {
        this.report = report;
        this.setup = setup;
        this.settings = setup.settings();
        this.xml = xml;
    }

    /**
     * The validator the valve would build from these settings and this metadata: the valve's own
     * construction, with a fixed clock and a replay cache of this run only; without decryption (reported
     * as not checked) when the SP key cannot be used here.
     */
    ResponseValidator validator(IdpMetadata idp, Instant at) {
        ResponseValidator validator = ServiceProviderFactory.responseValidator(setup.responseOptions(), settings, idp,
                ServiceProviderFactory.decrypter(settings, xml), xml, Clock.fixed(at, ZoneOffset.UTC), new MemoryReplayCache());
        return setup.decryptionUnavailable() == null ? validator : validator.withoutDecryption(setup.decryptionUnavailable());
    }

    /**
     * What to validate against, and what the message says about itself (for hints only).
     *
     * @param at           the check instant: when the Response arrived, or now
     * @param atSource     where the check instant came from, in words ({@code now}, {@code --at}, ...)
     * @param atGiven      the instant is the Response's arrival, not merely now
     * @param inResponseTo the expected AuthnRequest ID, or null (unsolicited)
     * @param stepUp       the sign-in was a step-up
     * @param carried      the InResponseTo the Response carries, or null
     * @param issued       the IssueInstant the Response carries, or null
     */
    record Check(Instant at, String atSource, boolean atGiven, String inResponseTo, boolean stepUp, String carried,
                 Instant issued) {
    }

    /**
     * Runs and prints the validation.
     *
     * @param samlResponse the SAMLResponse form field
     * @param loaded       the IdP metadata the running valve trusts
     * @param fresh        the IdP's metadata fetched now, to check beside it, or null
     * @return whether the valve would accept the sign-in
     */
    boolean run(String samlResponse, Check check, ValveSetup.LoadedIdp loaded, ValveSetup.Fresh fresh) {
        Instant at = check.at();
        IdpMetadata idp = loaded.idp();
        ResponseInput input = new ResponseInput(samlResponse, check.inResponseTo(), check.stepUp());
        ResponseValidator.Options policy = setup.responseOptions();
        report.line("Checked against");
        report.field(1, "check instant", at + " (" + check.atSource() + ")");
        report.field(1, "ACS URL", settings.acsUrl());
        report.field(1, "SP entityID", settings.spEntityId());
        report.field(1, "IdP entityID", idp.entityId());
        report.field(1, "IdP metadata", loaded.source() + (loaded.signatureChecked() ? " (signature verified)" : ""));
        for (X509Certificate certificate : idp.signingCertificates()) {
            MetadataSummary.describe(report, 1, "IdP signing key", certificate, at);
        }
        report.field(1, "policy", "wantAssertionsSigned=" + policy.wantAssertionsSigned()
                + " wantResponsesSigned=" + policy.wantResponsesSigned()
                + " wantAssertionsEncrypted=" + policy.wantAssertionsEncrypted()
                + " allowUnsolicitedResponses=" + policy.allowUnsolicited()
                + " allowSha1=" + settings.allowSha1()
                + " clockSkew=" + Durations.format(policy.clockSkew())
                + " maxResponseAge=" + Durations.format(policy.maxResponseAge()));
        report.field(1, "SP keys", setup.decryptionUnavailable() != null ? "not used: " + setup.decryptionUnavailable()
                : settings.decryptionCredentials().isEmpty() ? "none (encrypted content cannot be read)"
                : settings.decryptionCredentials().size() + " for decryption (never printed)");
        if (check.inResponseTo() != null) {
            report.field(1, "InResponseTo", "must be " + Text.quoted(check.inResponseTo()) + " (--in-response-to)");
        } else {
            report.field(1, "InResponseTo", "none expected: validated as an unsolicited (IdP-initiated) response, as the"
                    + " valve does when the RelayState names no pending sign-in");
            if (check.carried() != null) {
                report.indented(1, "(this Response carries InResponseTo " + Text.quoted(check.carried()) + ")");
            }
        }
        report.field(1, "AuthnContext", required(policy, check));
        report.line("Steps");

        Diagnosis diagnosis = validator(idp, at).diagnose(input);
        boolean warned = false;
        for (StepResult step : diagnosis.steps()) {
            String name = pad(step.step().key());
            String what = step.step().what();
            switch (step.outcome()) {
                case PASSED -> report.indented(1, "PASS  " + name + " " + what
                        + (step.untrusted() ? "  [untrusted: as the message claims]" : ""));
                case SKIPPED -> report.indented(1, "SKIP  " + name + " " + what + "  [skipped: " + step.note() + "]");
                case NOT_CHECKED -> report.indented(1, "----  " + name + " " + what + "  [not checked: "
                        + Text.safe(step.note()) + "]");
                case FAILED -> {
                    SamlValidationException failure = step.failure();
                    SamlErrorCode code = failure.code();
                    report.indented(1, "FAIL  " + name + " " + what + (step.untrusted() ? "  [untrusted: as the message claims]" : ""));
                    report.indented(4, code.code() + ": " + code.description());
                    report.indented(4, "detail: " + Text.safe(failure.detail()));
                    if (step.note() != null) {
                        report.indented(4, "note: " + step.note());
                    } else if (step.step().verifiesSignature() && !warned) {
                        warned = true;
                        report.warning(4, "a signature failed: nothing after this step comes from the IdP; later"
                                + " steps check what the message claims");
                    }
                }
                default -> throw new IllegalStateException(step.outcome().toString());
            }
        }
        report.line("");
        boolean valid = verdict(diagnosis);
        if (!valid) {
            hints(diagnosis, check);
        }
        timing(diagnosis, check);
        if (fresh != null) {
            freshCheck(fresh, idp, input, at);
        }
        return valid;
    }

    private boolean verdict(Diagnosis diagnosis) {
        StepResult first = diagnosis.firstFailure();
        if (first != null) {
            report.line("Result: INVALID - the valve would refuse this sign-in with " + first.failure().code().code()
                    + " (step " + first.step().key() + ").");
            return false;
        }
        if (!diagnosis.notChecked().isEmpty()) {
            report.line("Result: NOT DECIDED - every step that could run passed, but "
                    + diagnosis.notChecked().stream().map(s -> s.step().key()).collect(Collectors.joining(", "))
                    + " could not be checked here (" + Text.safe(setup.decryptionUnavailable()) + ").");
            return false;
        }
        ValidatedAssertion result = diagnosis.result();
        boolean keyRefused = setup.decryptionUnavailable() != null && !setup.decryptionUnavailable().startsWith("--without-sp-key");
        report.line(keyRefused ? "Result: VALID - every step passed; the valve would accept this sign-in once it has an SP key"
                + " it starts with." : "Result: VALID - the valve would accept this sign-in.");
        report.field(1, "principal", result.principal());
        report.field(1, "roles", settings.roleMapper().roles(result.attributes()).toString());
        report.field(1, "NameID", Text.quoted(result.nameId()) + " (" + Text.shortUri(result.nameIdFormat()) + ")");
        report.field(1, "AuthnContext", result.authnContextClassRef());
        report.field(1, "attributes", result.attributes().toString());
        if (keyRefused) {
            report.warning(1, "the valve itself would not start with this SP key: " + setup.decryptionUnavailable());
        }
        return true;
    }

    /** Which AuthnContextClassRefs the validator will require for this input, as it decides it. */
    private static String required(ResponseValidator.Options policy, Check check) {
        boolean stepUp = check.stepUp() && check.inResponseTo() != null;
        List<String> required = stepUp ? policy.stepUpAuthnContext() : policy.requestedAuthnContext();
        return (required.isEmpty() ? "any" : "one of " + required) + " ("
                + (stepUp ? "stepUpAuthnContext, --step-up" : "requestedAuthnContext"
                + (check.stepUp() ? "; --step-up needs --in-response-to: an unsolicited Response is never a step-up" : ""))
                + ")";
    }

    /** Suggestions for the usual reasons a check made offline fails where the live one would not. */
    private void hints(Diagnosis diagnosis, Check check) {
        List<SamlErrorCode> codes = diagnosis.steps().stream().filter(s -> s.outcome() == Outcome.FAILED)
                .map(s -> s.failure().code()).toList();
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
     * How far the IdP's IssueInstant is from the check instant, and which steps that decided. Never a
     * suggestion to check "as of the IssueInstant": that is the IdP's clock, and when it is wrong, moving
     * the check there hides exactly what the valve refused.
     */
    private void timing(Diagnosis diagnosis, Check check) {
        if (check.issued() == null) {
            return;
        }
        Duration gap = Duration.between(check.issued(), check.at());
        List<String> timed = diagnosis.steps().stream().filter(s -> s.outcome() == Outcome.FAILED
                && TIMING.contains(s.failure().code())).map(s -> s.step().key()).toList();
        Duration tolerance = settings.maxResponseAge().plus(settings.clockSkew());
        if (timed.isEmpty()) {
            return;
        }
        report.indented(1, "time: the IdP's IssueInstant " + check.issued() + " is " + Text.human(gap.abs())
                + (gap.isNegative() ? " after" : " before") + " the check instant " + check.at() + " (" + check.atSource()
                + "); the valve accepts an IssueInstant from " + Durations.format(settings.clockSkew()) + " ahead (clockSkew)"
                + " to " + Durations.format(tolerance) + " behind (maxResponseAge + clockSkew) the moment the Response arrives");
        report.indented(1, "time: steps that failed on time: " + String.join(", ", timed) + " (IssueInstant, NotBefore"
                + " and NotOnOrAfter are all written by the IdP's clock)");
        if (check.atGiven()) {
            report.indented(1, "time: if " + check.at() + " is when the Response reached the valve, the IdP's clock is about "
                    + Text.human(gap.abs()) + (gap.isNegative() ? " ahead" : " behind") + " (plus the time the user took to"
                    + " be sent on); check the IdP's NTP before changing clockSkew or maxResponseAge");
        } else {
            report.indented(1, "time: checked now, not when it arrived: to check it as of its arrival, give --at with that"
                    + " moment (the POST to /sso/acs in the browser's network log, or Tomcat's access log); not the"
                    + " IssueInstant, which is the IdP's clock and would hide a clock that is wrong");
        }
    }

    /** The same Response against the metadata fetched now, its verdict printed beside the valve's. */
    private void freshCheck(ValveSetup.Fresh fresh, IdpMetadata current, ResponseInput input, Instant at) {
        report.line("");
        report.line("Beside it: the IdP's metadata as its URL serves it now (the valve switches to it at its next"
                + " successful refresh, within idpMetadataRefreshInterval=" + Durations.format(settings.idpMetadataRefreshInterval())
                + ")");
        if (fresh.loaded() == null) {
            report.field(1, "verdict", "not checked: " + Text.safe(fresh.problem()));
            return;
        }
        IdpMetadata idp = fresh.loaded().idp();
        report.field(1, "IdP metadata", fresh.loaded().source() + (fresh.loaded().signatureChecked() ? " (signature verified)" : ""));
        List<PublicKey> before = current.signingKeys();
        List<PublicKey> after = idp.signingKeys();
        long added = after.stream().filter(k -> !before.contains(k)).count();
        long removed = before.stream().filter(k -> !after.contains(k)).count();
        report.field(1, "signing keys", added == 0 && removed == 0 ? "the same as in the copy the valve trusts"
                : "changed: " + added + " added, " + removed + " removed since the copy the valve trusts");
        Diagnosis diagnosis = validator(idp, at).diagnose(input);
        StepResult first = diagnosis.firstFailure();
        report.field(1, "verdict", first != null ? "INVALID - " + first.failure().code().code() + " (step " + first.step().key()
                + "): " + Text.safe(first.failure().detail())
                : diagnosis.notChecked().isEmpty() ? "VALID" : "NOT DECIDED (" + Text.safe(setup.decryptionUnavailable()) + ")");
    }

    private static String pad(String name) {
        return name.length() >= STEP_WIDTH ? name : name + " ".repeat(STEP_WIDTH - name.length());
    }
}
