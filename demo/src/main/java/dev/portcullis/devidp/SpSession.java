package dev.portcullis.devidp;

/**
 * What the IdP told one service provider about a user during one IdP session: the NameID exactly as
 * issued (value and Format) and the SessionIndex of the AuthnStatement. Single Logout names the
 * session with these, in both directions. Immutable.
 *
 * @param spEntityId   the service provider
 * @param nameId       the NameID value issued to it
 * @param nameIdFormat the NameID Format issued to it
 * @param sessionIndex the SessionIndex issued to it
 */
record SpSession(String spEntityId, String nameId, String nameIdFormat, String sessionIndex) {
}
