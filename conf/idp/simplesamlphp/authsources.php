<?php
/*
 * Authentication sources of the Portcullis test IdP: the two demo users (password = user name).
 * Attribute names match the Keycloak realm in conf/idp/keycloak/: uid, email, displayName, and
 * ONE multi-valued "roles" attribute.
 */
$config = [
    'admin' => ['core:AdminPassword'],

    'portcullis-users' => [
        'exampleauth:UserPass',
        'alice:alice' => [
            'uid' => ['alice'],
            'email' => ['alice@example.com'],
            'displayName' => ['Alice Example'],
            'roles' => ['user', 'admin'],
        ],
        'bob:bob' => [
            'uid' => ['bob'],
            'email' => ['bob@example.com'],
            'displayName' => ['Bob Example'],
            'roles' => ['user'],
        ],
    ],
];
