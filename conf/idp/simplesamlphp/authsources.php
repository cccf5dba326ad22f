<?php
/*
 * Authentication sources of the Portcullis test IdP: the two demo users (password = user name), and
 * two whose groups meet Tomcat's own administrative roles (the stock-Tomcat suites, issue 10):
 * mallory, whose groups are named like them, and oscar, in a group an operator may map to one.
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
        'mallory:mallory' => [
            'uid' => ['mallory'],
            'email' => ['mallory@example.com'],
            'displayName' => ['Mallory Example'],
            'roles' => ['user', 'manager-gui', 'admin-gui'],
        ],
        'oscar:oscar' => [
            'uid' => ['oscar'],
            'email' => ['oscar@example.com'],
            'displayName' => ['Oscar Example'],
            'roles' => ['tomcat-operators'],
        ],
    ],
];
