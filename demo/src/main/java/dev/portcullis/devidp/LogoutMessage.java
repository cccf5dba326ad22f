package dev.portcullis.devidp;

import java.util.List;

import dev.portcullis.testkit.SamlResponseBuilder;

/** A logout message from the SP that passed every check of {@link LogoutMessageReader}. Immutable. */
sealed interface LogoutMessage {

    /** The second-level status of a logout that did not reach every session participant (saml-core-2.0-os 3.2.2.2). */
    String PARTIAL_LOGOUT = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";

    /** The RelayState that came with the message, to echo (or, for a response, to find the logout by); may be null. */
    String relayState();

    /**
     * The SP asks the IdP to end a user's session (SP-initiated Single Logout).
     *
     * @param id             the request's ID, answered in InResponseTo
     * @param nameId         the NameID, whole text
     * @param nameIdFormat   its Format attribute, or null when absent
     * @param sessionIndexes the SessionIndexes named; empty means every session of that NameID
     */
    record Request(String id, String nameId, String nameIdFormat, List<String> sessionIndexes, String relayState)
            implements LogoutMessage {
        public Request {
            sessionIndexes = List.copyOf(sessionIndexes);
        }
    }

    /**
     * The SP answers a LogoutRequest the IdP sent (IdP-initiated Single Logout).
     *
     * @param inResponseTo      the ID of the LogoutRequest it answers
     * @param statusCode        the top-level status
     * @param secondLevelStatus the second-level status, or null
     */
    record Response(String inResponseTo, String statusCode, String secondLevelStatus, String relayState)
            implements LogoutMessage {

        /** Success, and not a partial one. */
        boolean success() {
            return SamlResponseBuilder.STATUS_SUCCESS.equals(statusCode) && !PARTIAL_LOGOUT.equals(secondLevelStatus);
        }
    }
}
