package dev.portcullis.devidp;

/** What the development IdP signs in each Response it sends. */
public enum SigningMode {
    /** The Assertion only, as Okta and ADFS do by default. */
    ASSERTION,
    /** The Response only; the assertion is covered by the Response's signature alone. */
    RESPONSE,
    /** The Assertion first, then the Response around it. */
    BOTH;

    boolean signsAssertion() {
        return this != RESPONSE;
    }

    boolean signsResponse() {
        return this != ASSERTION;
    }
}
