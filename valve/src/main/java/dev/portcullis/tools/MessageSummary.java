package dev.portcullis.tools;

import static dev.portcullis.saml.SamlConstants.ASSERTION_NS;
import static dev.portcullis.saml.SamlConstants.DSIG_NS;
import static dev.portcullis.saml.SamlConstants.PROTOCOL_NS;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.portcullis.saml.SamlConstants;

/**
 * The short summary of a protocol message or assertion: who sent it, to whom, about whom, and
 * until when. It reports what the message <em>says</em>; nothing in it is verified (the
 * validation section does that), and it says so in its heading.
 */
final class MessageSummary {

    private final Report report;
    private final Instant at;

    /** @param at the check instant that validity windows are compared with */
    MessageSummary(Report report, Instant at) {
        this.report = report;
        this.at = at;
    }

    void print(MessageKind kind, Element root, Map<String, String> parameters) {
        switch (kind) {
            case RESPONSE -> response(root);
            case AUTHN_REQUEST -> authnRequest(root);
            case LOGOUT_REQUEST -> logoutRequest(root);
            case LOGOUT_RESPONSE -> logoutResponse(root);
            case ASSERTION -> assertion(root);
            default -> report.field(0, "root element", root.getLocalName() + (root.getNamespaceURI() == null ? " (no namespace)"
                    : " in " + root.getNamespaceURI()));
        }
        parameters(parameters);
    }

    // ------------------------------------------------------------------ messages

    private void response(Element response) {
        report.line("Response");
        header(response);
        report.field(1, "InResponseTo", Elements.attribute(response, "InResponseTo"));
        status(response);
        report.field(1, "Signature", signature(response));

        Document document = response.getOwnerDocument();
        NodeList plain = document.getElementsByTagNameNS(ASSERTION_NS, "Assertion");
        NodeList encrypted = document.getElementsByTagNameNS(ASSERTION_NS, "EncryptedAssertion");
        report.field(1, "Assertions", plain.getLength() + " plain, " + encrypted.getLength() + " encrypted"
                + (plain.getLength() + encrypted.getLength() == 1 ? "" : " (the valve needs exactly one)"));
        for (int i = 0; i < encrypted.getLength(); i++) {
            Element wrapper = (Element) encrypted.item(i);
            misplaced(wrapper, response);
            report.line("EncryptedAssertion");
            report.field(1, "Encryption", encryption(wrapper));
            report.indented(1, "(its content is read during validation, with the SP key, after the signature checks)");
        }
        for (int i = 0; i < plain.getLength(); i++) {
            Element assertion = (Element) plain.item(i);
            misplaced(assertion, response);
            assertion(assertion);
        }
    }

    private void misplaced(Element assertion, Element response) {
        if (assertion.getParentNode() != response) {
            report.warning(0, "an " + assertion.getLocalName() + " inside <" + Text.safe(assertion.getParentNode().getNodeName())
                    + ">, not a direct child of the Response: the valve refuses this (invalid_assertion_count)");
        }
    }

    private void authnRequest(Element request) {
        report.line("AuthnRequest");
        header(request);
        report.optional(1, "ACS URL", Elements.attribute(request, "AssertionConsumerServiceURL"));
        report.optional(1, "ACS index", Elements.attribute(request, "AssertionConsumerServiceIndex"));
        report.optional(1, "ProtocolBinding", Elements.attribute(request, "ProtocolBinding"));
        report.field(1, "ForceAuthn", orDefault(Elements.attribute(request, "ForceAuthn"), "false"));
        report.field(1, "IsPassive", orDefault(Elements.attribute(request, "IsPassive"), "false"));
        Element policy = Elements.child(request, PROTOCOL_NS, "NameIDPolicy");
        if (policy != null) {
            report.field(1, "NameIDPolicy", "Format " + Text.safe(Elements.attribute(policy, "Format"))
                    + ", AllowCreate " + Text.safe(Elements.attribute(policy, "AllowCreate")));
        }
        Element requested = Elements.child(request, PROTOCOL_NS, "RequestedAuthnContext");
        if (requested != null) {
            List<String> classes = new ArrayList<>();
            for (Element classRef : Elements.children(requested, ASSERTION_NS, "AuthnContextClassRef")) {
                classes.add(Text.safe(Elements.text(classRef)));
            }
            report.field(1, "RequestedAuthnContext", orDefault(Elements.attribute(requested, "Comparison"), "exact") + " "
                    + classes);
        }
        report.field(1, "Signature", signature(request));
        String id = Elements.attribute(request, "ID");
        if (id != null) {
            report.indented(1, "(a Response to this request carries InResponseTo=\"" + Text.safe(id) + "\"; check one with"
                    + " --in-response-to " + Text.safe(id) + ")");
        }
    }

    private void logoutRequest(Element request) {
        report.line("LogoutRequest");
        header(request);
        report.optional(1, "NotOnOrAfter", timed(Elements.instant(request, "NotOnOrAfter"), Elements.attribute(request, "NotOnOrAfter")));
        report.optional(1, "Reason", Elements.attribute(request, "Reason"));
        nameId(request, 1);
        for (Element index : Elements.children(request, PROTOCOL_NS, "SessionIndex")) {
            report.field(1, "SessionIndex", Elements.text(index));
        }
        report.field(1, "Signature", signature(request));
    }

    private void logoutResponse(Element response) {
        report.line("LogoutResponse");
        header(response);
        report.field(1, "InResponseTo", Elements.attribute(response, "InResponseTo"));
        status(response);
        report.field(1, "Signature", signature(response));
    }

    /** ID, Version, IssueInstant, Issuer, Destination: what every protocol message has. */
    private void header(Element message) {
        report.field(1, "ID", Elements.attribute(message, "ID"));
        String version = Elements.attribute(message, "Version");
        if (!"2.0".equals(version)) {
            report.field(1, "Version", version + " (not 2.0)");
        }
        report.field(1, "IssueInstant", timed(Elements.instant(message, "IssueInstant"), Elements.attribute(message, "IssueInstant")));
        issuer(message, 1);
        report.field(1, "Destination", Elements.attribute(message, "Destination"));
    }

    private void status(Element response) {
        Element code = Elements.path(response, PROTOCOL_NS, "Status", "StatusCode");
        if (code == null) {
            report.field(1, "Status", "(none)");
            return;
        }
        String value = Elements.attribute(code, "Value");
        Element second = Elements.child(code, PROTOCOL_NS, "StatusCode");
        Element message = Elements.path(response, PROTOCOL_NS, "Status", "StatusMessage");
        report.field(1, "Status", Text.shortUri(value) + (second == null ? "" : " / " + Text.shortUri(Elements.attribute(second, "Value")))
                + (message == null ? "" : ": " + Text.quoted(Elements.text(message))));
    }

    // ------------------------------------------------------------------ assertion

    private void assertion(Element assertion) {
        report.line("Assertion");
        int in = 1;
        report.field(in, "ID", Elements.attribute(assertion, "ID"));
        report.field(in, "IssueInstant", timed(Elements.instant(assertion, "IssueInstant"), Elements.attribute(assertion, "IssueInstant")));
        issuer(assertion, in);
        report.field(in, "Signature", signature(assertion));

        Element subject = Elements.child(assertion, ASSERTION_NS, "Subject");
        nameId(subject, in);
        for (Element confirmation : Elements.children(subject, ASSERTION_NS, "SubjectConfirmation")) {
            Element data = Elements.child(confirmation, ASSERTION_NS, "SubjectConfirmationData");
            report.field(in, "SubjectConfirmation", Text.shortUri(Elements.attribute(confirmation, "Method")));
            report.field(in + 1, "Recipient", Elements.attribute(data, "Recipient"));
            report.optional(in + 1, "InResponseTo", Elements.attribute(data, "InResponseTo"));
            if (Elements.attribute(data, "NotBefore") != null) {
                report.field(in + 1, "NotBefore", timed(Elements.instant(data, "NotBefore"), Elements.attribute(data, "NotBefore")));
            }
            report.field(in + 1, "NotOnOrAfter", timed(Elements.instant(data, "NotOnOrAfter"), Elements.attribute(data, "NotOnOrAfter")));
        }

        Element conditions = Elements.child(assertion, ASSERTION_NS, "Conditions");
        if (conditions == null) {
            report.field(in, "Conditions", "(none)");
        } else {
            report.field(in, "Conditions", "");
            report.field(in + 1, "NotBefore", timed(Elements.instant(conditions, "NotBefore"), Elements.attribute(conditions, "NotBefore")));
            report.field(in + 1, "NotOnOrAfter", timed(Elements.instant(conditions, "NotOnOrAfter"),
                    Elements.attribute(conditions, "NotOnOrAfter")));
            for (Element restriction : Elements.children(conditions, ASSERTION_NS, "AudienceRestriction")) {
                for (Element audience : Elements.children(restriction, ASSERTION_NS, "Audience")) {
                    report.field(in + 1, "Audience", Elements.text(audience));
                }
            }
        }

        for (Element statement : Elements.children(assertion, ASSERTION_NS, "AuthnStatement")) {
            report.field(in, "AuthnStatement", "");
            report.field(in + 1, "AuthnInstant", Elements.attribute(statement, "AuthnInstant"));
            report.field(in + 1, "SessionIndex", Elements.attribute(statement, "SessionIndex"));
            if (Elements.attribute(statement, "SessionNotOnOrAfter") != null) {
                report.field(in + 1, "SessionNotOnOrAfter", timed(Elements.instant(statement, "SessionNotOnOrAfter"),
                        Elements.attribute(statement, "SessionNotOnOrAfter")));
            }
            report.field(in + 1, "AuthnContextClassRef",
                    Elements.text(Elements.path(statement, ASSERTION_NS, "AuthnContext", "AuthnContextClassRef")));
        }

        List<Element> attributes = new ArrayList<>();
        int encryptedAttributes = 0;
        for (Element statement : Elements.children(assertion, ASSERTION_NS, "AttributeStatement")) {
            attributes.addAll(Elements.children(statement, ASSERTION_NS, "Attribute"));
            encryptedAttributes += Elements.children(statement, ASSERTION_NS, "EncryptedAttribute").size();
        }
        report.field(in, "Attributes", attributes.size() + (encryptedAttributes > 0 ? " plain, " + encryptedAttributes
                + " encrypted (read during validation)" : ""));
        for (Element attribute : attributes) {
            List<String> values = new ArrayList<>();
            for (Element value : Elements.children(attribute, ASSERTION_NS, "AttributeValue")) {
                values.add(Text.quoted(value.getTextContent().strip()));
            }
            String friendly = Elements.attribute(attribute, "FriendlyName");
            String name = Elements.attribute(attribute, "Name") + (friendly == null ? "" : " (" + friendly + ")");
            report.field(in + 1, name, values.isEmpty() ? "(no value)" : String.join(", ", values));
        }
    }

    private void issuer(Element parent, int level) {
        Element issuer = Elements.child(parent, ASSERTION_NS, "Issuer");
        String format = Elements.attribute(issuer, "Format");
        report.field(level, "Issuer", issuer == null ? null : Elements.text(issuer)
                + (format == null || SamlConstants.ENTITY_FORMAT.equals(format) ? "" : " (Format " + format + ")"));
    }

    private void nameId(Element parent, int level) {
        Element encrypted = Elements.child(parent, ASSERTION_NS, "EncryptedID");
        if (encrypted != null) {
            report.field(level, "NameID", "encrypted (" + encryption(encrypted) + "; read during validation)");
        }
        Element nameId = Elements.child(parent, ASSERTION_NS, "NameID");
        if (nameId == null) {
            if (encrypted == null) {
                report.field(level, "NameID", "(none)");
            }
            return;
        }
        // Quoted, so leading or trailing spaces are visible; the whole text, as the validator reads it.
        report.field(level, "NameID", Text.quoted(nameId.getTextContent().strip()));
        report.field(level + 1, "Format", Elements.attribute(nameId, "Format"));
        if (Elements.attribute(nameId, "NameQualifier") != null) {
            report.field(level + 1, "NameQualifier", Elements.attribute(nameId, "NameQualifier"));
        }
        if (Elements.attribute(nameId, "SPNameQualifier") != null) {
            report.field(level + 1, "SPNameQualifier", Elements.attribute(nameId, "SPNameQualifier"));
        }
        if (nameId.getChildNodes().getLength() > 1) {
            report.warning(level + 1, "the NameID is made of " + nameId.getChildNodes().getLength() + " nodes (a comment or"
                    + " processing instruction inside it?): the valve reads the whole text, as shown");
        }
    }

    private void parameters(Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return;
        }
        report.line("Binding parameters");
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String value = parameter.getValue();
            if (SamlConstants.SIGNATURE.equals(parameter.getKey())) {
                value = "present (" + value.length() + " characters; HTTP-Redirect query signatures are not verified by"
                        + " saml-inspect)";
            }
            report.field(1, parameter.getKey(), value);
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The enveloped signature of an element, described: algorithms and what it references. Not
     * verified here; the validation section does that with the IdP's keys.
     */
    static String signature(Element signed) {
        List<Element> signatures = Elements.children(signed, DSIG_NS, "Signature");
        if (signatures.isEmpty()) {
            return "none";
        }
        Element signedInfo = Elements.child(signatures.get(0), DSIG_NS, "SignedInfo");
        Element method = Elements.child(signedInfo, DSIG_NS, "SignatureMethod");
        Element c14n = Elements.child(signedInfo, DSIG_NS, "CanonicalizationMethod");
        List<Element> references = Elements.children(signedInfo, DSIG_NS, "Reference");
        StringBuilder text = new StringBuilder(signatures.size() > 1 ? signatures.size() + " signatures! first: " : "present: ");
        text.append(algorithm(Elements.attribute(method, "Algorithm")));
        if (!references.isEmpty()) {
            Element reference = references.get(0);
            text.append(", digest ").append(algorithm(Elements.attribute(Elements.child(reference, DSIG_NS, "DigestMethod"),
                    "Algorithm")));
            text.append(", c14n ").append(algorithm(Elements.attribute(c14n, "Algorithm")));
            String uri = Elements.attribute(reference, "URI");
            String id = Elements.attribute(signed, "ID");
            text.append("; references ").append(Text.safe(uri))
                    .append(uri != null && id != null && uri.equals("#" + id) ? " (this element)" : " (NOT this element's ID)");
        }
        if (references.size() != 1) {
            text.append("; ").append(references.size()).append(" references");
        }
        return text + "; not verified here";
    }

    /** How an Encrypted* element is encrypted: data and key transport algorithms. */
    static String encryption(Element wrapper) {
        String xenc = SamlConstants.XENC_NS;
        Element data = Elements.child(wrapper, xenc, "EncryptedData");
        String dataAlgorithm = Elements.attribute(Elements.child(data, xenc, "EncryptionMethod"), "Algorithm");
        Element key = Elements.path(data, DSIG_NS, "KeyInfo");
        Element encryptedKey = Elements.child(key, xenc, "EncryptedKey");
        if (encryptedKey == null) {
            encryptedKey = Elements.child(wrapper, xenc, "EncryptedKey");
        }
        String keyAlgorithm = Elements.attribute(Elements.child(encryptedKey, xenc, "EncryptionMethod"), "Algorithm");
        return "data " + algorithm(dataAlgorithm) + ", key transport " + algorithm(keyAlgorithm);
    }

    /** The fragment or last path segment of an algorithm URI: {@code rsa-sha256}, {@code xml-exc-c14n}. */
    static String algorithm(String uri) {
        if (uri == null) {
            return "(none)";
        }
        String trimmed = uri.endsWith("#") ? uri.substring(0, uri.length() - 1) : uri;
        int cut = Math.max(trimmed.lastIndexOf('#'), trimmed.lastIndexOf('/'));
        return Text.safe(cut >= 0 ? trimmed.substring(cut + 1) : trimmed);
    }

    /** An instant with where it falls relative to the check instant; the raw text if it is not a date. */
    private String timed(Instant instant, String raw) {
        if (raw == null) {
            return null;
        }
        if (instant == null) {
            return raw + " (not an xs:dateTime)";
        }
        return instant + "  (" + Text.relative(instant, at) + ")";
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
