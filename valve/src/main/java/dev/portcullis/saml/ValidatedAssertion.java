package dev.portcullis.saml;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a fully validated Response says, read only from the elements whose signatures were checked.
 *
 * @param issuer               the IdP entityID
 * @param assertionId          the Assertion ID (now recorded in the replay cache)
 * @param nameId               the Subject's NameID, its whole text content
 * @param nameIdFormat         NameID Format, or null
 * @param nameQualifier        NameID NameQualifier, or null
 * @param spNameQualifier      NameID SPNameQualifier, or null
 * @param sessionIndex         AuthnStatement SessionIndex, or null
 * @param authnInstant         AuthnStatement AuthnInstant
 * @param authnContextClassRef AuthnContextClassRef, or null
 * @param sessionNotOnOrAfter  AuthnStatement SessionNotOnOrAfter, or null
 * @param attributes           attribute values by Name, in document order
 * @param inResponseTo         the AuthnRequest ID answered, or null for an unsolicited response
 * @param principal            the user name: the NameID, or the first non-blank value of principalAttribute
 */
public record ValidatedAssertion(String issuer, String assertionId, String nameId, String nameIdFormat,
                                 String nameQualifier, String spNameQualifier, String sessionIndex,
                                 Instant authnInstant, String authnContextClassRef, Instant sessionNotOnOrAfter,
                                 Map<String, List<String>> attributes, String inResponseTo,
                                 String principal) {

    public ValidatedAssertion {
        java.util.LinkedHashMap<String, List<String>> copy = new java.util.LinkedHashMap<>();
        attributes.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        attributes = java.util.Collections.unmodifiableMap(copy);
    }
}
