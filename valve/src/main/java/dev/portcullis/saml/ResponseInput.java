package dev.portcullis.saml;

/**
 * What the ACS knows about one Response besides the Response itself: the per-request input of
 * {@link ResponseValidator}. The valve builds it from the form field and the sign-in its RelayState
 * handle proves; saml-inspect from the captured field and its options.
 *
 * @param samlResponse      the {@code SAMLResponse} form field as received (base64), or null when absent
 * @param expectedRequestId the ID of the AuthnRequest this sign-in started with, or null when there is
 *                          none (the RelayState names no sign-in: validated as an unsolicited Response)
 * @param stepUp            the sign-in is a step-up, so {@code stepUpAuthnContext} applies instead of
 *                          {@code requestedAuthnContext}; only meaningful with an expected request
 */
public record ResponseInput(String samlResponse, String expectedRequestId, boolean stepUp) {

    /** An ordinary sign-in (or, with a null request ID, an unsolicited Response). */
    public static ResponseInput signIn(String samlResponse, String expectedRequestId) {
        return new ResponseInput(samlResponse, expectedRequestId, false);
    }

    @Override
    public String toString() {
        // Never the Response itself: it is a bearer credential.
        return "ResponseInput[expectedRequestId=" + expectedRequestId + ", stepUp=" + stepUp + "]";
    }
}
