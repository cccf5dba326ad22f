<?php
/*
 * The Portcullis SP as this IdP knows it, filled from PORTCULLIS_SP_* and the variation
 * settings (PORTCULLIS_IDP_SIGNING, PORTCULLIS_IDP_NAMEID) by scripts/simplesamlphp.sh.
 */
$metadata['@SP_ENTITY_ID@'] = [
    'AssertionConsumerService' => [
        [
            'Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
            'Location' => '@SP_ACS_URL@',
            'index' => 0,
        ],
    ],
    // The SP's signing certificate: AuthnRequests must carry a valid RSA-SHA256 signature by it.
    'certData' => '@SP_CERT_DATA@',
    'validate.authnrequest' => true,
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',

    'saml20.sign.assertion' => @SIGN_ASSERTION@,
    'saml20.sign.response' => @SIGN_RESPONSE@,
    'assertion.lifetime' => @ASSERTION_LIFETIME@,

    'NameIDFormat' => '@NAMEID_FORMAT@',
    'simplesaml.nameidattribute' => '@NAMEID_ATTRIBUTE@',
];
