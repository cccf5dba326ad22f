package dev.portcullis.saml;

import java.util.List;

/**
 * What an AuthnRequest asks of the IdP beyond "authenticate this user" (saml-core-2.0-os 3.4.1).
 *
 * @param forceAuthn  ForceAuthn: authenticate again even with an IdP session
 * @param passive     IsPassive: do not interact with the user
 * @param classRefs   RequestedAuthnContext class references (empty: none requested)
 * @param comparison  RequestedAuthnContext Comparison: exact, minimum, better or maximum
 */
public record AuthnRequestOptions(boolean forceAuthn, boolean passive, List<String> classRefs, String comparison) {

    /** Nothing beyond a plain sign-in. */
    public static final AuthnRequestOptions PLAIN = new AuthnRequestOptions(false, false, List.of(), "exact");

    public AuthnRequestOptions {
        classRefs = List.copyOf(classRefs);
    }
}
