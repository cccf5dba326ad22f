package dev.portcullis.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Builds a SAML 2.0 {@code <samlp:Response>} as an identity provider sends it, every field settable so
 * that a test can change exactly one thing. {@link #valid} fills in a response that a correctly
 * configured service provider accepts; signing is a separate step ({@link XmlSigning}).
 *
 * <p>Instants are written with second precision, as most IdPs do; {@code null} leaves an optional
 * attribute or element out.
 */
public final class SamlResponseBuilder {

    public static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
    public static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
    public static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
    public static final String XS_NS = "http://www.w3.org/2001/XMLSchema";
    public static final String STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
    public static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    public static final String NAMEID_UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    public static final String NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    public static final String NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    public static final String ENTITY_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
    public static final String AUTHN_PASSWORD_PROTECTED =
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
    public static final String ATTRNAME_BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";

    // Response
    public String responseId = Ids.newId();
    public Instant issueInstant;
    public String destination;
    public String inResponseTo;
    public String responseIssuer;
    public String statusCode = STATUS_SUCCESS;
    public String statusSecondLevelCode;
    public String statusMessage;

    // Assertion
    public boolean includeAssertion = true;
    public String assertionId = Ids.newId();
    public Instant assertionIssueInstant;
    public String assertionIssuer;
    public String nameId;
    public String nameIdFormat = NAMEID_UNSPECIFIED;
    public String subjectConfirmationMethod = BEARER;
    public String recipient;
    public Instant subjectNotBefore;
    public Instant subjectNotOnOrAfter;
    public String subjectInResponseTo;
    public Instant notBefore;
    public Instant notOnOrAfter;
    public List<String> audiences = new ArrayList<>();
    public boolean includeAuthnStatement = true;
    public Instant authnInstant;
    public String sessionIndex = Ids.newId();
    public Instant sessionNotOnOrAfter;
    public String authnContextClassRef = AUTHN_PASSWORD_PROTECTED;
    public final Map<String, List<String>> attributes = new LinkedHashMap<>();

    /**
     * A response that a service provider configured with these values accepts at {@code now}: signed
     * nothing yet, validity windows of five minutes, one audience, bearer confirmation.
     */
    public static SamlResponseBuilder valid(Instant now, String idpEntityId, String spEntityId, String acsUrl,
                                            String inResponseTo, String nameId) {
        SamlResponseBuilder b = new SamlResponseBuilder();
        Instant second = now.truncatedTo(ChronoUnit.SECONDS);
        b.issueInstant = second;
        b.destination = acsUrl;
        b.inResponseTo = inResponseTo;
        b.responseIssuer = idpEntityId;
        b.assertionIssueInstant = second;
        b.assertionIssuer = idpEntityId;
        b.nameId = nameId;
        b.recipient = acsUrl;
        b.subjectNotOnOrAfter = second.plus(Duration.ofMinutes(5));
        b.subjectInResponseTo = inResponseTo;
        b.notBefore = second.minus(Duration.ofSeconds(30));
        b.notOnOrAfter = second.plus(Duration.ofMinutes(5));
        b.audiences.add(spEntityId);
        b.authnInstant = second;
        return b;
    }

    /** Adds one attribute with its values (replacing any earlier one of that name). */
    public SamlResponseBuilder attribute(String name, String... values) {
        attributes.put(name, List.of(values));
        return this;
    }

    /** The response as a new DOM document, unsigned. */
    public Document build() {
        Document doc = Xml.newDocument();
        Element response = doc.createElementNS(PROTOCOL_NS, "samlp:Response");
        doc.appendChild(response);
        response.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:samlp", PROTOCOL_NS);
        response.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:saml", ASSERTION_NS);
        response.setAttribute("ID", responseId);
        response.setAttribute("Version", "2.0");
        setIfPresent(response, "IssueInstant", issueInstant);
        setIfPresent(response, "Destination", destination);
        setIfPresent(response, "InResponseTo", inResponseTo);
        if (responseIssuer != null) {
            Element issuer = append(response, ASSERTION_NS, "saml:Issuer", responseIssuer);
            issuer.setAttribute("Format", ENTITY_FORMAT);
        }
        Element status = append(response, PROTOCOL_NS, "samlp:Status", null);
        Element code = append(status, PROTOCOL_NS, "samlp:StatusCode", null);
        code.setAttribute("Value", statusCode);
        if (statusSecondLevelCode != null) {
            append(code, PROTOCOL_NS, "samlp:StatusCode", null).setAttribute("Value", statusSecondLevelCode);
        }
        if (statusMessage != null) {
            append(status, PROTOCOL_NS, "samlp:StatusMessage", statusMessage);
        }
        if (includeAssertion) {
            response.appendChild(buildAssertion(doc));
        }
        return doc;
    }

    /** The assertion alone, in the given document but not attached to it. */
    public Element buildAssertion(Document doc) {
        Element assertion = doc.createElementNS(ASSERTION_NS, "saml:Assertion");
        assertion.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:saml", ASSERTION_NS);
        assertion.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:xsi", XSI_NS);
        assertion.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:xs", XS_NS);
        assertion.setAttribute("ID", assertionId);
        assertion.setAttribute("Version", "2.0");
        setIfPresent(assertion, "IssueInstant", assertionIssueInstant);
        append(assertion, ASSERTION_NS, "saml:Issuer", assertionIssuer);

        Element subject = append(assertion, ASSERTION_NS, "saml:Subject", null);
        if (nameId != null) {
            Element name = append(subject, ASSERTION_NS, "saml:NameID", nameId);
            if (nameIdFormat != null) {
                name.setAttribute("Format", nameIdFormat);
            }
        }
        if (subjectConfirmationMethod != null) {
            Element confirmation = append(subject, ASSERTION_NS, "saml:SubjectConfirmation", null);
            confirmation.setAttribute("Method", subjectConfirmationMethod);
            Element data = append(confirmation, ASSERTION_NS, "saml:SubjectConfirmationData", null);
            setIfPresent(data, "NotBefore", subjectNotBefore);
            setIfPresent(data, "NotOnOrAfter", subjectNotOnOrAfter);
            setIfPresent(data, "Recipient", recipient);
            setIfPresent(data, "InResponseTo", subjectInResponseTo);
        }

        if (notBefore != null || notOnOrAfter != null || !audiences.isEmpty()) {
            Element conditions = append(assertion, ASSERTION_NS, "saml:Conditions", null);
            setIfPresent(conditions, "NotBefore", notBefore);
            setIfPresent(conditions, "NotOnOrAfter", notOnOrAfter);
            if (!audiences.isEmpty()) {
                Element restriction = append(conditions, ASSERTION_NS, "saml:AudienceRestriction", null);
                for (String audience : audiences) {
                    append(restriction, ASSERTION_NS, "saml:Audience", audience);
                }
            }
        }

        if (includeAuthnStatement) {
            Element authn = append(assertion, ASSERTION_NS, "saml:AuthnStatement", null);
            setIfPresent(authn, "AuthnInstant", authnInstant);
            setIfPresent(authn, "SessionIndex", sessionIndex);
            setIfPresent(authn, "SessionNotOnOrAfter", sessionNotOnOrAfter);
            Element context = append(authn, ASSERTION_NS, "saml:AuthnContext", null);
            if (authnContextClassRef != null) {
                append(context, ASSERTION_NS, "saml:AuthnContextClassRef", authnContextClassRef);
            }
        }

        if (!attributes.isEmpty()) {
            Element statement = append(assertion, ASSERTION_NS, "saml:AttributeStatement", null);
            for (Map.Entry<String, List<String>> attribute : attributes.entrySet()) {
                Element element = append(statement, ASSERTION_NS, "saml:Attribute", null);
                element.setAttribute("Name", attribute.getKey());
                element.setAttribute("NameFormat", ATTRNAME_BASIC);
                for (String value : attribute.getValue()) {
                    Element valueElement = append(element, ASSERTION_NS, "saml:AttributeValue", value);
                    valueElement.setAttributeNS(XSI_NS, "xsi:type", "xs:string");
                }
            }
        }
        return assertion;
    }

    private static Element append(Element parent, String ns, String qualifiedName, String text) {
        Element child = parent.getOwnerDocument().createElementNS(ns, qualifiedName);
        if (text != null) {
            child.setTextContent(text);
        }
        parent.appendChild(child);
        return child;
    }

    private static void setIfPresent(Element element, String name, Object value) {
        if (value instanceof Instant instant) {
            element.setAttribute(name, DateTimeFormatter.ISO_INSTANT.format(instant));
        } else if (value != null) {
            element.setAttribute(name, value.toString());
        }
    }
}
