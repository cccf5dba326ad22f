package dev.portcullis.devidp;

import java.time.Instant;

/**
 * A sign-in waiting for the user's credentials: what the IdP must echo back in its Response.
 *
 * @param requestId  the AuthnRequest's ID, for InResponseTo; null for an IdP-initiated (unsolicited) login
 * @param relayState the RelayState received with the request, returned untouched; null when none came
 * @param created    when the request arrived, by the IdP's clock
 */
record PendingLogin(String requestId, String relayState, Instant created) {
}
