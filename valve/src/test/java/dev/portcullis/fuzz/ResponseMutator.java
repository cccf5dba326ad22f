package dev.portcullis.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Attr;
import org.w3c.dom.DOMException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.XmlEncryption;

/**
 * A structure-aware mutator of SAML Responses. A mutant is one to eight operations, applied in four
 * stages so that each stage works on what the previous one produced:
 * <ol>
 *   <li><b>DOM</b>: delete, duplicate, move or wrap an element (the Assertion, Signature, Subject,
 *       Conditions ... are picked half of the time); the signature-wrapping move (a changed copy of
 *       the signed element where the original was, the original hidden elsewhere); set or remove an
 *       attribute (ID, Destination, InResponseTo, instants, Algorithm and Reference URIs ...); swap
 *       IDs; change a text value (comment, processing instruction or CDATA inside it, whitespace,
 *       another name); change an element's namespace, prefix or name; reorder children; splice in an
 *       element of another seed; declare namespaces. Then, for an encrypted seed, the Assertion is
 *       encrypted for the SP, as anyone holding the SP's public key can do.</li>
 *   <li><b>XML text</b>: DOCTYPEs and XML declarations, character and entity references, CDATA,
 *       comments and processing instructions, whitespace inside tags and text, quote style, empty
 *       element form, prefix renaming, deep nesting, enlarging.</li>
 *   <li><b>bytes</b>: flips, truncation, deleted, duplicated or inserted ranges (invalid UTF-8 too),
 *       re-encoding to UTF-16/UTF-32, byte order marks.</li>
 *   <li><b>base64</b>: line breaks, blanks, invalid characters, padding, URL-safe alphabet,
 *       truncation, double encoding, case flips, an empty field, one too large.</li>
 * </ol>
 * Several operations leave signed content as it was (whitespace inside a tag, a character reference,
 * CDATA, a comment in signed text, anything in KeyInfo or in unsigned parts, the base64 layout), so a
 * mutant can legitimately be accepted; the oracle then demands the genuine identity. The mutator only
 * ever reads its {@link Choices}, so a seeded run is reproducible and Jazzer can steer it. Thread-safe.
 */
final class ResponseMutator {

    private enum Stage { DOM, TEXT, BYTES, BASE64 }

    private enum Op {
        DELETE(Stage.DOM, "dom.delete", 6), DUPLICATE(Stage.DOM, "dom.duplicate", 5), MOVE(Stage.DOM, "dom.move", 5),
        WRAP(Stage.DOM, "dom.wrap", 4), SIGNATURE_WRAPPING(Stage.DOM, "dom.xsw", 6),
        SET_ATTRIBUTE(Stage.DOM, "dom.setAttribute", 10), REMOVE_ATTRIBUTE(Stage.DOM, "dom.removeAttribute", 5),
        SWAP_IDS(Stage.DOM, "dom.swapIds", 3), TEXT_VALUE(Stage.DOM, "dom.text", 8), RENAME(Stage.DOM, "dom.rename", 4),
        REORDER(Stage.DOM, "dom.reorder", 3), SPLICE(Stage.DOM, "dom.splice", 3),
        DECLARE_NAMESPACE(Stage.DOM, "dom.namespace", 3),

        DOCTYPE(Stage.TEXT, "xml.doctype", 3), XML_DECLARATION(Stage.TEXT, "xml.declaration", 2),
        CHARACTER_REFERENCE(Stage.TEXT, "xml.charRef", 4), ENTITY_REFERENCE(Stage.TEXT, "xml.entityRef", 2),
        CDATA(Stage.TEXT, "xml.cdata", 3), COMMENT(Stage.TEXT, "xml.comment", 4), PI(Stage.TEXT, "xml.pi", 2),
        WHITESPACE_IN_TAG(Stage.TEXT, "xml.whitespaceInTag", 3), WHITESPACE_IN_TEXT(Stage.TEXT, "xml.whitespaceInText", 3),
        QUOTES(Stage.TEXT, "xml.quotes", 2), EMPTY_ELEMENT(Stage.TEXT, "xml.emptyElement", 2),
        PREFIX(Stage.TEXT, "xml.prefix", 2), DEEP_NESTING(Stage.TEXT, "xml.deepNesting", 2),
        ENLARGE(Stage.TEXT, "xml.enlarge", 2),

        FLIP_BIT(Stage.BYTES, "bytes.flip", 3), SET_BYTE(Stage.BYTES, "bytes.set", 2), TRUNCATE(Stage.BYTES, "bytes.truncate", 2),
        DELETE_RANGE(Stage.BYTES, "bytes.delete", 2), DUPLICATE_RANGE(Stage.BYTES, "bytes.duplicate", 1),
        INSERT_BYTES(Stage.BYTES, "bytes.insert", 2), RE_ENCODE(Stage.BYTES, "bytes.reencode", 2),

        LINE_BREAKS(Stage.BASE64, "b64.lineBreaks", 4), BLANKS(Stage.BASE64, "b64.blanks", 2),
        INVALID_CHARACTER(Stage.BASE64, "b64.invalidChar", 2), PADDING(Stage.BASE64, "b64.padding", 2),
        URL_SAFE(Stage.BASE64, "b64.urlSafe", 1), TRUNCATE_BASE64(Stage.BASE64, "b64.truncate", 1),
        DOUBLE_ENCODING(Stage.BASE64, "b64.double", 1), FLIP_CASE(Stage.BASE64, "b64.flipCase", 1),
        EMPTY_FIELD(Stage.BASE64, "b64.empty", 1), HUGE_FIELD(Stage.BASE64, "b64.huge", 1),
        FIELD_PREFIX(Stage.BASE64, "b64.prefix", 1);

        final Stage stage;
        final String label;
        final int weight;

        Op(Stage stage, String label, int weight) {
            this.stage = stage;
            this.label = label;
            this.weight = weight;
        }
    }

    private static final int TOTAL_WEIGHT = Arrays.stream(Op.values()).mapToInt(op -> op.weight).sum();

    private static final String XMLNS_NS = XMLConstants.XMLNS_ATTRIBUTE_NS_URI;
    private static final String XML_NS = XMLConstants.XML_NS_URI;
    private static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
    private static final String WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    private static final String SAML1_NS = "urn:oasis:names:tc:SAML:1.0:assertion";

    /** Elements picked half of the time: where the checks and the attacks are. */
    private static final Set<String> INTERESTING = Set.of("Response", "Assertion", "Signature", "SignedInfo", "Reference",
            "Transforms", "Transform", "DigestMethod", "DigestValue", "SignatureMethod", "CanonicalizationMethod",
            "SignatureValue", "KeyInfo", "X509Certificate", "Subject", "NameID", "SubjectConfirmation",
            "SubjectConfirmationData", "Conditions", "AudienceRestriction", "Audience", "AuthnStatement",
            "AttributeStatement", "Attribute", "AttributeValue", "Issuer", "Status", "StatusCode", "EncryptedAssertion",
            "EncryptedData", "EncryptionMethod", "CipherValue", "EncryptedKey", "InclusiveNamespaces");

    private static final List<String> NAMESPACES = List.of(SamlConstants.PROTOCOL_NS, SamlConstants.ASSERTION_NS,
            SamlConstants.DSIG_NS, SamlConstants.XENC_NS, SAML1_NS, "urn:oasis:names:tc:SAML:1.0:protocol",
            SamlConstants.ASSERTION_NS + " ", SamlConstants.ASSERTION_NS.toUpperCase(), "urn:evil", "");

    private static final List<String[]> WRAPPERS = List.of(new String[] {SamlConstants.PROTOCOL_NS, "samlp:Extensions"},
            new String[] {SamlConstants.ASSERTION_NS, "saml:Advice"}, new String[] {SamlConstants.DSIG_NS, "ds:Object"},
            new String[] {SamlConstants.ASSERTION_NS, "saml:Evidence"}, new String[] {"urn:evil", "evil:Wrapper"},
            new String[] {"", "Wrapper"}, new String[] {SamlConstants.ASSERTION_NS, "saml:Assertion"},
            new String[] {SamlConstants.PROTOCOL_NS, "samlp:Response"},
            new String[] {SamlConstants.ASSERTION_NS, "saml:EncryptedAssertion"},
            new String[] {"http://schemas.xmlsoap.org/soap/envelope/", "soap:Body"},
            new String[] {SamlConstants.DSIG_NS, "ds:KeyInfo"});

    private static final List<String> ATTRIBUTE_NAMES = List.of("ID", "Id", "id", "Destination", "InResponseTo",
            "IssueInstant", "NotBefore", "NotOnOrAfter", "Recipient", "Algorithm", "URI", "Method", "Version", "Value",
            "Format", "Name", "SessionIndex", "AuthnInstant", "SessionNotOnOrAfter", "NameQualifier", "SPNameQualifier",
            "Consent", "xml:id", "xml:base", "wsu:Id", "xsi:type");

    private static final List<String> ALGORITHMS = List.of("http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1", "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
            "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1", "none", "",
            "http://www.w3.org/2000/09/xmldsig#sha1", "http://www.w3.org/2001/04/xmlenc#sha256",
            "http://www.w3.org/2001/04/xmlenc#sha512", "http://www.w3.org/2001/04/xmldsig-more#md5",
            "http://www.w3.org/2001/10/xml-exc-c14n#", "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
            "http://www.w3.org/2006/12/xml-c14n11", "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
            "http://www.w3.org/TR/1999/REC-xpath-19991116", "http://www.w3.org/2002/06/xmldsig-filter2",
            "http://www.w3.org/TR/1999/REC-xslt-19991116", "http://www.w3.org/2000/09/xmldsig#base64",
            "http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
            "http://www.w3.org/2001/04/xmlenc#tripledes-cbc", "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
            "http://www.w3.org/2001/04/xmlenc#rsa-1_5", "urn:evil", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256 ");

    /** Values that would change who signs in, for text and copies. */
    private static final List<String> FORGED_VALUES = List.of("admin", "attacker@evil.example", "alice", "bob", "root", "");

    private static final Pattern TEXT_SEGMENT = Pattern.compile(">([^<]+)<");
    private static final Pattern START_TAG = Pattern.compile("<[A-Za-z_][^<>]*>");
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\s+)([A-Za-z_][\\w:.-]*)=\"([^\"]*)\"");
    private static final Pattern EMPTY_PAIR = Pattern.compile("<([A-Za-z_][\\w:.-]*)([^<>]*)></\\1>");
    private static final Pattern SELF_CLOSED = Pattern.compile("<([A-Za-z_][\\w:.-]*)([^<>]*)/>");
    private static final Pattern PREFIX_DECLARATION = Pattern.compile("xmlns:([A-Za-z_][\\w.-]*)=");

    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(ResponseMutator::newBuilder);
    private static final ThreadLocal<Transformer> SERIALIZER = ThreadLocal.withInitial(ResponseMutator::newSerializer);

    private final List<FuzzSeed> donors;

    /** @param donors seeds whose elements {@code dom.splice} may graft into a mutant */
    ResponseMutator(List<FuzzSeed> donors) {
        this.donors = List.copyOf(donors);
    }

    /** The seed as an IdP would send it: its own bytes, the Assertion encrypted if the seed says so. */
    static Mutant unmutated(FuzzSeed seed) {
        String xml = seed.xml();
        List<String> operations = new ArrayList<>();
        if (seed.encryptAssertion()) {
            Document doc = parse(xml);
            encryptAssertion(doc, operations);
            xml = serialize(doc);
        }
        return new Mutant(seed.name(), encode(xml.getBytes(StandardCharsets.UTF_8)), operations);
    }

    /** The seed parsed and serialized again with no change, as every DOM-stage mutant is. */
    static Mutant roundTripped(FuzzSeed seed) {
        Document doc = parse(seed.xml());
        List<String> operations = new ArrayList<>(List.of("dom.roundTrip"));
        if (seed.encryptAssertion()) {
            encryptAssertion(doc, operations);
        }
        return new Mutant(seed.name(), encode(serialize(doc).getBytes(StandardCharsets.UTF_8)), operations);
    }

    /** One to three operations, now and then four to eight. */
    Mutant mutate(FuzzSeed seed, Choices choices) {
        int count = choices.oneIn(10) ? 4 + choices.below(5) : 1 + choices.below(3);
        return mutate(seed.name(), seed.xml(), seed.encryptAssertion(), choices, count);
    }

    /**
     * Applies {@code count} operations to a Response.
     *
     * @param encryptAssertion encrypt the Assertion for the SP after the DOM stage
     */
    Mutant mutate(String seedName, String xml, boolean encryptAssertion, Choices choices, int count) {
        List<Op> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ops.add(pickOperation(choices));
        }
        ops.sort(Comparator.comparing(op -> op.stage));
        List<String> log = new ArrayList<>();
        List<String> donorsUsed = new ArrayList<>();

        String text = xml;
        boolean domStage = encryptAssertion || ops.stream().anyMatch(op -> op.stage == Stage.DOM);
        if (domStage) {
            Document doc = parse(xml);
            for (Op op : ops) {
                if (op.stage == Stage.DOM) {
                    log.add(applyDom(op, doc, choices, donorsUsed));
                }
            }
            if (encryptAssertion) {
                encryptAssertion(doc, log);
            }
            try {
                text = serialize(doc);
            } catch (IllegalStateException e) {
                // A DOM the serializer cannot write (e.g. a namespace clash it will not fix up): keep the seed.
                log.add("dom.unserializable " + e.getCause());
                text = xml;
            }
        }
        for (Op op : ops) {
            if (op.stage == Stage.TEXT) {
                String[] result = applyText(op, text, choices);
                text = result[0];
                log.add(op.label + " " + result[1]);
            }
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (Op op : ops) {
            if (op.stage == Stage.BYTES) {
                StringBuilder detail = new StringBuilder();
                bytes = applyBytes(op, bytes, choices, detail);
                log.add(op.label + " " + detail);
            }
        }
        String field = encode(bytes);
        for (Op op : ops) {
            if (op.stage == Stage.BASE64) {
                StringBuilder detail = new StringBuilder();
                field = applyBase64(op, field, choices, detail);
                log.add(op.label + " " + detail);
            }
        }
        return new Mutant(seedName, field, log, donorsUsed);
    }

    private static Op pickOperation(Choices choices) {
        int ticket = choices.below(TOTAL_WEIGHT);
        for (Op op : Op.values()) {
            ticket -= op.weight;
            if (ticket < 0) {
                return op;
            }
        }
        throw new AssertionError("weights do not add up");
    }

    // ================================================================== DOM stage

    private String applyDom(Op op, Document doc, Choices c, List<String> donorsUsed) {
        try {
            return op.label + " " + switch (op) {
                case DELETE -> delete(doc, c);
                case DUPLICATE -> duplicate(doc, c);
                case MOVE -> move(doc, c);
                case WRAP -> wrap(doc, c);
                case SIGNATURE_WRAPPING -> signatureWrapping(doc, c);
                case SET_ATTRIBUTE -> setAttribute(doc, c);
                case REMOVE_ATTRIBUTE -> removeAttribute(doc, c);
                case SWAP_IDS -> swapIds(doc, c);
                case TEXT_VALUE -> textValue(doc, c);
                case RENAME -> rename(doc, c);
                case REORDER -> reorder(doc, c);
                case SPLICE -> splice(doc, c, donorsUsed);
                case DECLARE_NAMESPACE -> declareNamespace(doc, c);
                default -> throw new AssertionError(op);
            };
        } catch (DOMException e) {
            // The DOM refused the change (e.g. a prefix without a namespace): the mutant goes on without it.
            return op.label + " refused by the DOM (" + e.getMessage() + ")";
        }
    }

    private static String delete(Document doc, Choices c) {
        Element target = nonRoot(doc, c);
        if (target == null) {
            return "nothing to delete";
        }
        String path = path(target);
        target.getParentNode().removeChild(target);
        return path;
    }

    private static String duplicate(Document doc, Choices c) {
        Element target = nonRoot(doc, c);
        if (target == null) {
            return "nothing to duplicate";
        }
        Element copy = (Element) target.cloneNode(true);
        String changed = c.oneIn(3) ? forge(copy, c) : "";
        target.getParentNode().insertBefore(copy, c.oneIn(2) ? target : target.getNextSibling());
        return path(target) + changed;
    }

    private static String move(Document doc, Choices c) {
        Element target = nonRoot(doc, c);
        if (target == null) {
            return "nothing to move";
        }
        List<Element> destinations = new ArrayList<>();
        for (Element candidate : elements(doc)) {
            if (!isInside(candidate, target)) {
                destinations.add(candidate);
            }
        }
        String from = path(target);
        target.getParentNode().removeChild(target);
        Element destination = c.pick(destinations);
        Node before = childAt(destination, c);
        destination.insertBefore(target, before);
        return from + " -> " + path(destination) + " before child " + (before == null ? "end" : before.getNodeName());
    }

    private static String wrap(Document doc, Choices c) {
        Element target = target(doc, c);
        String[] wrapperName = c.pick(WRAPPERS);
        Element wrapper = create(doc, wrapperName[0], wrapperName[1]);
        String path = path(target);
        target.getParentNode().replaceChild(wrapper, target);
        wrapper.appendChild(target);
        return path + " in " + wrapperName[1];
    }

    /**
     * Signature wrapping ("On Breaking SAML", XSW1-8): a copy of the signed element with a forged
     * identity takes the original's place or sits beside it, and the original, whose signature still
     * verifies, is hidden in the copy, its Signature, an Object, an Extensions or after it.
     */
    private static String signatureWrapping(Document doc, Choices c) {
        List<Element> signed = new ArrayList<>();
        for (Element element : elements(doc)) {
            if (("Assertion".equals(element.getLocalName()) || "Response".equals(element.getLocalName()))
                    && !children(element, SamlConstants.DSIG_NS, "Signature").isEmpty()) {
                signed.add(element);
            }
        }
        if (signed.isEmpty()) {
            return "no signed element";
        }
        Element original = c.pick(signed);
        Element copy = (Element) original.cloneNode(true);
        StringBuilder detail = new StringBuilder(path(original));
        detail.append(forge(copy, c));
        if (c.oneIn(2)) {
            children(copy, SamlConstants.DSIG_NS, "Signature").forEach(copy::removeChild);
            detail.append(", copy unsigned");
        }
        if (c.oneIn(3)) {
            copy.setAttributeNS(null, "ID", "_evil" + Integer.toHexString(c.below(1 << 16)));
            detail.append(", copy with its own ID");
        }
        Node parent = original.getParentNode();
        switch (c.below(5)) {
            case 0 -> {
                // The copy in the original's place, the original inside the copy's Signature (XSW1/XSW5).
                parent.replaceChild(copy, original);
                List<Element> signature = children(copy, SamlConstants.DSIG_NS, "Signature");
                (signature.isEmpty() ? copy : signature.get(0)).appendChild(original);
                detail.append(", original inside the copy's Signature");
            }
            case 1 -> {
                parent.insertBefore(copy, original);
                detail.append(", copy before the original");
            }
            case 2 -> {
                parent.replaceChild(copy, original);
                copy.appendChild(original);
                detail.append(", original inside the copy");
            }
            case 3 -> {
                parent.replaceChild(copy, original);
                String[] hideIn = c.pick(WRAPPERS);
                Element hiding = create(doc, hideIn[0], hideIn[1]);
                hiding.appendChild(original);
                Element root = doc.getDocumentElement();
                root.insertBefore(hiding, childAt(root, c));
                detail.append(", original in ").append(hideIn[1]).append(" under the root");
            }
            default -> {
                Element object = create(doc, SamlConstants.DSIG_NS, "ds:Object");
                List<Element> signature = children(original, SamlConstants.DSIG_NS, "Signature");
                if (!signature.isEmpty()) {
                    signature.get(0).appendChild(object);
                    object.appendChild(copy);
                    detail.append(", copy in an Object of the original's Signature");
                } else {
                    parent.insertBefore(copy, original.getNextSibling());
                    detail.append(", copy after the original");
                }
            }
        }
        return detail.toString();
    }

    /** Changes the identity values inside a copy: the NameID and every AttributeValue. */
    private static String forge(Element copy, Choices c) {
        String value = c.pick(FORGED_VALUES);
        int changed = 0;
        for (String name : List.of("NameID", "AttributeValue")) {
            NodeList found = copy.getElementsByTagNameNS(SamlConstants.ASSERTION_NS, name);
            for (int i = 0; i < found.getLength(); i++) {
                found.item(i).setTextContent(value);
                changed++;
            }
        }
        return changed == 0 ? "" : ", copy forged to [" + value + "]";
    }

    private static String setAttribute(Document doc, Choices c) {
        Element target = target(doc, c);
        List<String> own = attributeNames(target);
        String name = !own.isEmpty() && c.oneIn(2) ? c.pick(own) : c.pick(ATTRIBUTE_NAMES);
        String value = c.oneIn(5) ? genericValue(target.getAttribute(name), c) : attributeValue(name, target, doc, c);
        switch (name) {
            case "xml:id", "xml:base" -> target.setAttributeNS(XML_NS, name, value);
            case "wsu:Id" -> target.setAttributeNS(WSU_NS, name, value);
            case "xsi:type" -> target.setAttributeNS(XSI_NS, name, value);
            default -> target.setAttributeNS(null, name, value);
        }
        return path(target) + "@" + name + " = [" + abbreviate(value) + "]";
    }

    private static String removeAttribute(Document doc, Choices c) {
        List<Element> withAttributes = new ArrayList<>();
        for (Element element : elements(doc)) {
            if (element.getAttributes().getLength() > 0) {
                withAttributes.add(element);
            }
        }
        if (withAttributes.isEmpty()) {
            return "no attributes";
        }
        Element target = c.pick(withAttributes);
        NamedNodeMap attributes = target.getAttributes();
        Attr attribute = (Attr) attributes.item(c.below(attributes.getLength()));
        target.removeAttributeNode(attribute);
        return path(target) + "@" + attribute.getName();
    }

    private static String swapIds(Document doc, Choices c) {
        List<Element> withId = new ArrayList<>();
        for (Element element : elements(doc)) {
            if (element.hasAttributeNS(null, "ID")) {
                withId.add(element);
            }
        }
        if (withId.size() < 2) {
            return "fewer than two IDs";
        }
        Element a = c.pick(withId);
        Element b = c.pick(withId);
        String aId = a.getAttributeNS(null, "ID");
        String bId = b.getAttributeNS(null, "ID");
        if (c.oneIn(2)) {
            a.setAttributeNS(null, "ID", bId);
            b.setAttributeNS(null, "ID", aId);
            return "swapped " + path(a) + " and " + path(b);
        }
        a.setAttributeNS(null, "ID", bId);
        return "copied the ID of " + path(b) + " to " + path(a);
    }

    private static String textValue(Document doc, Choices c) {
        List<Element> leaves = new ArrayList<>();
        List<Element> interestingLeaves = new ArrayList<>();
        for (Element element : elements(doc)) {
            if (!hasElementChild(element)) {
                leaves.add(element);
                if (INTERESTING.contains(element.getLocalName())) {
                    interestingLeaves.add(element);
                }
            }
        }
        Element target = c.pick(!interestingLeaves.isEmpty() && c.oneIn(2) ? interestingLeaves : leaves);
        String text = target.getTextContent();
        int at = c.below(text.length() + 1);
        String head = text.substring(0, at);
        String tail = text.substring(at);
        String path = path(target);
        switch (c.below(13)) {
            case 0 -> {
                String value = c.pick(FORGED_VALUES);
                target.setTextContent(value);
                return path + " = [" + value + "]";
            }
            case 1 -> {
                target.appendChild(doc.createTextNode(c.pick(List.of(" ", "\n", "\t", "\r\n", "\u00a0"))));
                return path + " trailing whitespace";
            }
            case 2 -> {
                target.insertBefore(doc.createTextNode(c.pick(List.of(" ", "\n", "\t"))), target.getFirstChild());
                return path + " leading whitespace";
            }
            case 3 -> {
                replaceText(target, doc.createTextNode(head), doc.createComment(c.pick(List.of("x", "", " -"))),
                        doc.createTextNode(tail));
                return path + " comment at " + at;
            }
            case 4 -> {
                replaceText(target, doc.createTextNode(head), doc.createProcessingInstruction("x", "y"),
                        doc.createTextNode(tail));
                return path + " processing instruction at " + at;
            }
            case 5 -> {
                replaceText(target, doc.createCDATASection(text));
                return path + " as CDATA";
            }
            case 6 -> {
                replaceText(target, doc.createTextNode(head), doc.createCDATASection(tail));
                return path + " CDATA from " + at;
            }
            case 7 -> {
                Element inner = c.oneIn(2) ? create(doc, SamlConstants.ASSERTION_NS, "saml:NameID") : create(doc, "urn:evil", "evil:x");
                inner.setTextContent(c.pick(FORGED_VALUES));
                target.appendChild(inner);
                return path + " with an element inside";
            }
            case 8 -> {
                String inserted = c.pick(List.of("\u200b", "\u202e", "\uff20", "\ufeff", "\u0085", "\u2028"));
                target.setTextContent(head + inserted + tail);
                return path + " U+" + Integer.toHexString(inserted.charAt(0)) + " at " + at;
            }
            case 9 -> {
                target.setTextContent(text + text);
                return path + " doubled";
            }
            case 10 -> {
                target.setTextContent(head);
                return path + " cut at " + at;
            }
            case 11 -> {
                target.setTextContent(text + "A".repeat(c.oneIn(2) ? 1_000 : 100_000));
                return path + " enlarged";
            }
            default -> {
                if (text.isEmpty()) {
                    target.setTextContent("A");
                    return path + " = [A]";
                }
                int i = c.below(text.length());
                char replacement = (char) ('A' + c.below(26));
                target.setTextContent(text.substring(0, i) + replacement + text.substring(i + 1));
                return path + " character " + i + " -> " + replacement;
            }
        }
    }

    private static String rename(Document doc, Choices c) {
        Element target = target(doc, c);
        String path = path(target);
        String namespace = target.getNamespaceURI() == null ? "" : target.getNamespaceURI();
        String prefix = target.getPrefix();
        String local = target.getLocalName();
        switch (c.below(3)) {
            case 0 -> namespace = c.pick(NAMESPACES);
            case 1 -> prefix = c.pick(Arrays.asList("saml", "saml2", "samlp", "ds", "dsig", "x", null));
            default -> local = c.pick(List.of("Assertion", "Response", "Signature", "Subject", "NameID", "Foo", "assertion",
                    "EncryptedAssertion"));
        }
        if (namespace.isEmpty()) {
            doc.renameNode(target, null, local);
        } else {
            doc.renameNode(target, namespace, prefix == null ? local : prefix + ":" + local);
        }
        return path + " -> {" + namespace + "}" + (prefix == null ? "" : prefix + ":") + local;
    }

    private static String reorder(Document doc, Choices c) {
        List<Element> parents = new ArrayList<>();
        for (Element element : elements(doc)) {
            if (elementChildren(element).size() >= 2) {
                parents.add(element);
            }
        }
        if (parents.isEmpty()) {
            return "nothing to reorder";
        }
        Element parent = c.pick(parents);
        List<Element> kids = elementChildren(parent);
        Element child = c.pick(kids);
        switch (c.below(3)) {
            case 0 -> {
                parent.insertBefore(child, parent.getFirstChild());
                return path(child) + " first";
            }
            case 1 -> {
                parent.appendChild(child);
                return path(child) + " last";
            }
            default -> {
                Collections.reverse(kids);
                kids.forEach(parent::appendChild);
                return path(parent) + " children reversed";
            }
        }
    }

    private String splice(Document doc, Choices c, List<String> donorsUsed) {
        FuzzSeed donor = c.pick(donors);
        donorsUsed.add(donor.name());
        Document other = parse(donor.xml());
        Element graft = target(other, c);
        Element imported = (Element) doc.importNode(graft, true);
        List<Element> sameName = new ArrayList<>();
        for (Element element : elements(doc)) {
            if (element != doc.getDocumentElement() && element.getLocalName().equals(graft.getLocalName())) {
                sameName.add(element);
            }
        }
        if (!sameName.isEmpty() && c.oneIn(2)) {
            Element replaced = c.pick(sameName);
            replaced.getParentNode().replaceChild(imported, replaced);
            return path(replaced) + " replaced by that of " + donor.name();
        }
        Element destination = target(doc, c);
        destination.insertBefore(imported, childAt(destination, c));
        return donor.name() + " " + path(graft) + " into " + path(destination);
    }

    private static String declareNamespace(Document doc, Choices c) {
        Element target = target(doc, c);
        String prefix = c.pick(List.of("saml", "samlp", "ds", "xs", "xsi", "evil", ""));
        String namespace = c.pick(NAMESPACES);
        target.setAttributeNS(XMLNS_NS, prefix.isEmpty() ? "xmlns" : "xmlns:" + prefix, namespace);
        return path(target) + " xmlns" + (prefix.isEmpty() ? "" : ":" + prefix) + "=[" + namespace + "]";
    }

    // ------------------------------------------------------------------ attribute values

    private static String attributeValue(String name, Element target, Document doc, Choices c) {
        String current = target.getAttribute(name);
        return switch (name) {
            case "ID", "Id", "id", "xml:id", "wsu:Id", "InResponseTo" -> idValue(doc, current, c);
            case "URI" -> uriValue(doc, current, c);
            case "Algorithm" -> c.pick(ALGORITHMS);
            case "IssueInstant", "NotBefore", "NotOnOrAfter", "AuthnInstant", "SessionNotOnOrAfter" -> instantValue(current, c);
            case "Destination", "Recipient" -> urlValue(current, c);
            case "Version" -> c.pick(List.of("2.0", "1.1", "2.0 ", " 2.0", "", "2", "20"));
            case "Method" -> c.pick(List.of(SamlConstants.BEARER, "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key",
                    "urn:oasis:names:tc:SAML:2.0:cm:sender-vouches", "", SamlConstants.BEARER + " ",
                    SamlConstants.BEARER.toUpperCase()));
            case "Value" -> c.pick(List.of(SamlConstants.STATUS_SUCCESS, "urn:oasis:names:tc:SAML:2.0:status:Requester",
                    "urn:oasis:names:tc:SAML:2.0:status:Responder", "", SamlConstants.STATUS_SUCCESS + "x"));
            case "Format" -> c.pick(List.of(SamlConstants.ENTITY_FORMAT, SamlConstants.NAMEID_UNSPECIFIED,
                    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient", ""));
            case "xsi:type" -> c.pick(List.of("xs:string", "xs:anyType", "saml:NameIDType", "evil:type", ""));
            default -> genericValue(current, c);
        };
    }

    private static String idValue(Document doc, String current, Choices c) {
        List<String> ids = new ArrayList<>();
        for (Element element : elements(doc)) {
            for (String attribute : List.of("ID", "InResponseTo")) {
                if (element.hasAttributeNS(null, attribute)) {
                    ids.add(element.getAttributeNS(null, attribute));
                }
            }
        }
        return switch (c.below(8)) {
            case 0 -> ids.isEmpty() ? "" : c.pick(ids);
            case 1 -> "";
            case 2 -> current + "x";
            case 3 -> "_" + "a".repeat(300);
            case 4 -> "1abc";
            case 5 -> current.toUpperCase();
            case 6 -> "#" + current;
            default -> current + " ";
        };
    }

    private static String uriValue(Document doc, String current, Choices c) {
        List<String> ids = new ArrayList<>();
        for (Element element : elements(doc)) {
            if (element.hasAttributeNS(null, "ID")) {
                ids.add(element.getAttributeNS(null, "ID"));
            }
        }
        String some = ids.isEmpty() ? "x" : c.pick(ids);
        return switch (c.below(10)) {
            case 0 -> "";
            case 1 -> "#";
            case 2 -> "#" + some;
            case 3 -> "#xpointer(/)";
            case 4 -> "#xpointer(id('" + some + "'))";
            case 5 -> "http://127.0.0.1:1/evil";
            case 6 -> "file:///etc/passwd";
            case 7 -> current + " ";
            case 8 -> current.isEmpty() ? "" : current.substring(0, current.length() - 1);
            default -> current.toUpperCase();
        };
    }

    private static String instantValue(String current, Choices c) {
        Instant base;
        try {
            base = Instant.parse(current.trim());
        } catch (DateTimeParseException e) {
            base = Instant.parse("2026-11-27T10:00:00Z");
        }
        List<Duration> shifts = List.of(Duration.ofSeconds(1), Duration.ofSeconds(119), Duration.ofSeconds(121),
                Duration.ofSeconds(301), Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(36_500));
        if (c.oneIn(2)) {
            Duration shift = c.pick(shifts);
            return (c.oneIn(2) ? base.plus(shift) : base.minus(shift)).toString();
        }
        return c.pick(List.of("", "yesterday", "2026-13-45T99:99:99Z", "+999999999-12-31T23:59:59Z",
                "-999999999-01-01T00:00:00Z", "2026-11-27T10:00:00", base.toString().replace("Z", "+14:00"),
                "2026-11-27T10:00:00.123456789Z", "9".repeat(100), "2026-11-27 10:00:00Z", " " + base, base + " ",
                "2026-11-27T10:00:60Z", "0000-00-00T00:00:00Z", "1970-01-01T00:00:00Z", base.toString().toLowerCase()));
    }

    private static String urlValue(String current, Choices c) {
        return c.pick(List.of(current + "/", current.toUpperCase(), current.replace("https:", "http:"),
                "https://evil.example.net/sso/acs", "", current + "?x=1", current + "#", current.replace("acs", "%61cs"),
                " " + current, current + "\n"));
    }

    private static String genericValue(String current, Choices c) {
        return c.pick(List.of("", " ", current + "x", "x" + current, current.toUpperCase(), "A".repeat(1_000),
                "A".repeat(70_000), "\u00e9\u202e", "<>&\"'", current + "\t", current + current));
    }

    // ------------------------------------------------------------------ DOM helpers

    private static Element target(Document doc, Choices c) {
        List<Element> all = elements(doc);
        if (c.oneIn(2)) {
            List<Element> interesting = all.stream().filter(e -> INTERESTING.contains(e.getLocalName())).toList();
            if (!interesting.isEmpty()) {
                return c.pick(interesting);
            }
        }
        return c.pick(all);
    }

    /** A target other than the root (a document has exactly one), or null for a lone root. */
    private static Element nonRoot(Document doc, Choices c) {
        Element target = target(doc, c);
        if (target != doc.getDocumentElement()) {
            return target;
        }
        List<Element> kids = elementChildren(target);
        return kids.isEmpty() ? null : c.pick(kids);
    }

    private static List<Element> elements(Document doc) {
        NodeList all = doc.getElementsByTagName("*");
        List<Element> result = new ArrayList<>(all.getLength());
        for (int i = 0; i < all.getLength(); i++) {
            result.add((Element) all.item(i));
        }
        return result;
    }

    private static List<Element> elementChildren(Element parent) {
        List<Element> result = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE) {
                result.add((Element) child);
            }
        }
        return result;
    }

    private static List<Element> children(Element parent, String namespace, String localName) {
        return elementChildren(parent).stream()
                .filter(e -> localName.equals(e.getLocalName()) && namespace.equals(e.getNamespaceURI())).toList();
    }

    private static boolean hasElementChild(Element element) {
        return !elementChildren(element).isEmpty();
    }

    private static List<String> attributeNames(Element element) {
        List<String> names = new ArrayList<>();
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            String name = attributes.item(i).getNodeName();
            if (!name.startsWith("xmlns")) {
                names.add(name);
            }
        }
        return names;
    }

    private static boolean isInside(Node node, Node ancestor) {
        for (Node n = node; n != null; n = n.getParentNode()) {
            if (n == ancestor) {
                return true;
            }
        }
        return false;
    }

    /** A random position among a parent's child nodes: the node to insert before, or null for the end. */
    private static Node childAt(Element parent, Choices c) {
        NodeList kids = parent.getChildNodes();
        int at = c.below(kids.getLength() + 1);
        return at == kids.getLength() ? null : kids.item(at);
    }

    private static void replaceText(Element target, Node... nodes) {
        while (target.getFirstChild() != null) {
            target.removeChild(target.getFirstChild());
        }
        for (Node node : nodes) {
            target.appendChild(node);
        }
    }

    private static Element create(Document doc, String namespace, String qualifiedName) {
        return namespace.isEmpty() ? doc.createElementNS(null, qualifiedName) : doc.createElementNS(namespace, qualifiedName);
    }

    /** {@code /Response/Assertion/Subject/NameID}, by local names. */
    static String path(Node node) {
        List<String> names = new ArrayList<>();
        for (Node n = node; n != null && n.getNodeType() == Node.ELEMENT_NODE; n = n.getParentNode()) {
            names.add(n.getLocalName() != null ? n.getLocalName() : n.getNodeName());
        }
        Collections.reverse(names);
        return "/" + String.join("/", names);
    }

    /** Encrypts the Response's Assertion (the first, if a mutation made several) for the SP. */
    private static void encryptAssertion(Document doc, List<String> log) {
        NodeList assertions = doc.getElementsByTagNameNS(SamlConstants.ASSERTION_NS, "Assertion");
        if (assertions.getLength() == 0) {
            log.add("encrypt nothing (no Assertion left)");
            return;
        }
        Element assertion = (Element) assertions.item(0);
        String path = path(assertion);
        XmlEncryption.encrypt(assertion, "EncryptedAssertion", FuzzSeed.SP_ENCRYPTION_KEY.certificate());
        log.add("encrypt " + path + " for the SP");
    }

    // ================================================================== XML text stage

    /** @return the new text and a description */
    private static String[] applyText(Op op, String xml, Choices c) {
        return switch (op) {
            case DOCTYPE -> doctype(xml, c);
            case XML_DECLARATION -> {
                String declaration = c.pick(List.of("<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
                        "<?xml version=\"1.0\" encoding=\"EBCDIC-CP-US\"?>", "<?xml version=\"1.1\"?>",
                        "<?xml version=\"1.0\" encoding=\"bogus\"?>", "<?xml version=\"1.0\" standalone=\"yes\"?>",
                        " <?xml version=\"1.0\"?>"));
                if (c.oneIn(4)) {
                    int at = tagBoundary(xml, c);
                    yield new String[] {insert(xml, at, declaration), "[" + declaration + "] at " + at};
                }
                yield new String[] {declaration + withoutDeclaration(xml), "[" + declaration + "]"};
            }
            case CHARACTER_REFERENCE -> characterReference(xml, c);
            case ENTITY_REFERENCE -> {
                String reference = c.pick(List.of("&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&undefined;", "&#0;",
                        "&#xD800;", "&#x110000;", "&#65;", "&"));
                int at = insideText(xml, c);
                yield new String[] {insert(xml, at, reference), reference + " at " + at};
            }
            case CDATA -> cdata(xml, c);
            case COMMENT -> {
                String comment = c.pick(List.of("<!--x-->", "<!---->", "<!-- -- -->", "<!--"));
                int at = c.oneIn(2) ? insideText(xml, c) : tagBoundary(xml, c);
                yield new String[] {insert(xml, at, comment), comment + " at " + at};
            }
            case PI -> {
                String pi = c.pick(List.of("<?x y?>", "<?xml version=\"1.0\"?>", "<?xml-stylesheet href=\"http://127.0.0.1:1/x.xsl\"?>",
                        "<??>"));
                int at = c.oneIn(2) ? insideText(xml, c) : tagBoundary(xml, c);
                yield new String[] {insert(xml, at, pi), pi + " at " + at};
            }
            case WHITESPACE_IN_TAG -> whitespaceInTag(xml, c);
            case WHITESPACE_IN_TEXT -> {
                String blank = c.pick(List.of(" ", "\n", "\t", "\r\n", "\r"));
                int at = c.oneIn(2) ? insideText(xml, c) : tagBoundary(xml, c);
                yield new String[] {insert(xml, at, blank), "at " + at};
            }
            case QUOTES -> quotes(xml, c);
            case EMPTY_ELEMENT -> emptyElement(xml, c);
            case PREFIX -> prefix(xml, c);
            case DEEP_NESTING -> {
                int depth = c.pick(List.of(8, 63, 64, 65, 200, 10_000));
                int at = tagBoundary(xml, c);
                yield new String[] {insert(xml, at, "<d>".repeat(depth) + "</d>".repeat(depth)), depth + " levels at " + at};
            }
            case ENLARGE -> enlarge(xml, c);
            default -> throw new AssertionError(op);
        };
    }

    private static String[] doctype(String xml, Choices c) {
        String doctype = c.pick(List.of("<!DOCTYPE Response>", "<!DOCTYPE r [<!ENTITY x \"y\">]>",
                "<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/evil.dtd\">",
                "<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>",
                "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>",
                "<!doctype r>", "<!-- <!DOCTYPE r> -->", "<!DOCTYPE\nr>"));
        String rest = withoutDeclaration(xml);
        String declaration = xml.substring(0, xml.length() - rest.length());
        if (c.oneIn(3)) {
            int at = tagBoundary(xml, c);
            return new String[] {insert(xml, at, doctype), "[" + doctype + "] at " + at};
        }
        String text = declaration + doctype + rest;
        if (c.oneIn(2) && doctype.contains("ENTITY x")) {
            // Use the entity, where a value is read.
            text = text.replaceFirst("(<[\\w:]*NameID[^>]*>)", "$1&x;");
            return new String[] {text, "[" + doctype + "] used in the NameID"};
        }
        return new String[] {text, "[" + doctype + "]"};
    }

    private static String[] characterReference(String xml, Choices c) {
        List<Integer> positions = new ArrayList<>();
        Matcher m = TEXT_SEGMENT.matcher(xml);
        while (m.find() && positions.size() < 10_000) {
            for (int i = m.start(1); i < m.end(1); i++) {
                if (Character.isLetterOrDigit(xml.charAt(i))) {
                    positions.add(i);
                }
            }
        }
        Matcher a = ATTRIBUTE.matcher(xml);
        while (a.find() && positions.size() < 20_000) {
            if (a.group(2).startsWith("xmlns")) {
                continue;
            }
            for (int i = a.start(3); i < a.end(3); i++) {
                if (Character.isLetterOrDigit(xml.charAt(i))) {
                    positions.add(i);
                }
            }
        }
        if (positions.isEmpty()) {
            return new String[] {xml, "no character to replace"};
        }
        int at = c.pick(positions);
        char ch = xml.charAt(at);
        String reference = c.oneIn(2) ? "&#" + (int) ch + ";" : "&#x" + Integer.toHexString(ch) + ";";
        return new String[] {xml.substring(0, at) + reference + xml.substring(at + 1), "'" + ch + "' -> " + reference + " at " + at};
    }

    private static String[] cdata(String xml, Choices c) {
        List<int[]> segments = new ArrayList<>();
        Matcher m = TEXT_SEGMENT.matcher(xml);
        while (m.find()) {
            String text = m.group(1);
            if (!text.isBlank() && text.indexOf('&') < 0 && !text.contains("]]>")) {
                segments.add(new int[] {m.start(1), m.end(1)});
            }
        }
        if (segments.isEmpty()) {
            return new String[] {xml, "no text"};
        }
        int[] segment = c.pick(segments);
        int from = segment[0] + (c.oneIn(2) ? 0 : c.below(segment[1] - segment[0]));
        return new String[] {xml.substring(0, from) + "<![CDATA[" + xml.substring(from, segment[1]) + "]]>" + xml.substring(segment[1]),
                "from " + from + " to " + segment[1]};
    }

    private static String[] whitespaceInTag(String xml, Choices c) {
        List<Integer> positions = new ArrayList<>();
        Matcher tag = START_TAG.matcher(xml);
        while (tag.find()) {
            String text = tag.group();
            for (int i = 1; i < text.length(); i++) {
                if (Character.isWhitespace(text.charAt(i - 1)) && !Character.isWhitespace(text.charAt(i))) {
                    positions.add(tag.start() + i);
                }
            }
            positions.add(tag.end() - (text.endsWith("/>") ? 2 : 1));
        }
        if (positions.isEmpty()) {
            return new String[] {xml, "no tag"};
        }
        int at = c.pick(positions);
        return new String[] {insert(xml, at, c.pick(List.of(" ", "\n", "\t", "\r\n", "  \n\t"))), "at " + at};
    }

    private static String[] quotes(String xml, Choices c) {
        List<int[]> values = new ArrayList<>();
        Matcher a = ATTRIBUTE.matcher(xml);
        while (a.find()) {
            if (a.group(3).indexOf('\'') < 0) {
                values.add(new int[] {a.start(3) - 1, a.end(3)});
            }
        }
        if (values.isEmpty()) {
            return new String[] {xml, "no attribute"};
        }
        int[] value = c.pick(values);
        StringBuilder out = new StringBuilder(xml);
        out.setCharAt(value[0], '\'');
        out.setCharAt(value[1], '\'');
        return new String[] {out.toString(), "at " + value[0]};
    }

    private static String[] emptyElement(String xml, Choices c) {
        Pattern pattern = c.oneIn(2) ? EMPTY_PAIR : SELF_CLOSED;
        List<MatchResult> matches = new ArrayList<>();
        Matcher m = pattern.matcher(xml);
        while (m.find()) {
            matches.add(new MatchResult(m.start(), m.end(), m.group(1), m.group(2)));
        }
        if (matches.isEmpty()) {
            return new String[] {xml, "none"};
        }
        MatchResult hit = c.pick(matches);
        String replacement = pattern == EMPTY_PAIR ? "<" + hit.name + hit.rest + "/>" : "<" + hit.name + hit.rest + "></" + hit.name + ">";
        return new String[] {xml.substring(0, hit.start) + replacement + xml.substring(hit.end),
                (pattern == EMPTY_PAIR ? "collapsed <" : "expanded <") + hit.name + ">"};
    }

    private record MatchResult(int start, int end, String name, String rest) {
    }

    private static String[] prefix(String xml, Choices c) {
        List<String> prefixes = new ArrayList<>();
        Matcher m = PREFIX_DECLARATION.matcher(xml);
        while (m.find()) {
            if (!prefixes.contains(m.group(1))) {
                prefixes.add(m.group(1));
            }
        }
        if (prefixes.isEmpty()) {
            return new String[] {xml, "no prefix"};
        }
        String from = c.pick(prefixes);
        String to = c.pick(List.of("saml2", "ns0", "a", "samlp", "ds", "saml", "xenc"));
        String text = xml.replaceAll("(</?)" + Pattern.quote(from) + ":", "$1" + to + ":")
                .replace("xmlns:" + from + "=", "xmlns:" + to + "=")
                .replaceAll("(\\s)" + Pattern.quote(from) + ":([\\w.-]+=)", "$1" + to + ":$2");
        return new String[] {text, from + ": -> " + to + ":"};
    }

    private static String[] enlarge(String xml, Choices c) {
        int at = tagBoundary(xml, c);
        return switch (c.below(6)) {
            case 0 -> {
                int size = c.pick(List.of(1_000, 64_000, 180_000, 300_000));
                yield new String[] {insert(xml, insideText(xml, c), "A".repeat(size)), size + " characters of text"};
            }
            case 1 -> {
                int count = c.pick(List.of(1_000, 20_000, 70_000));
                yield new String[] {insert(xml, at, "<e/>".repeat(count)), count + " elements at " + at};
            }
            case 2 -> {
                int count = c.pick(List.of(100, 10_001));
                StringBuilder attributes = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    attributes.append(" a").append(i).append("=\"\"");
                }
                int tagEnd = xml.indexOf('>', at == 0 ? 0 : at - 1);
                int insertAt = tagEnd > 0 && xml.charAt(tagEnd - 1) == '/' ? tagEnd - 1 : tagEnd;
                yield new String[] {insert(xml, Math.max(insertAt, 0), attributes.toString()), count + " attributes"};
            }
            case 3 -> {
                int length = c.pick(List.of(1_000, 1_001, 5_000));
                yield new String[] {insert(xml, at, "<" + "n".repeat(length) + "/>"), "element name of " + length};
            }
            case 4 -> {
                int count = c.pick(List.of(100, 10_000));
                StringBuilder declarations = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    declarations.append(" xmlns:p").append(i).append("=\"urn:x").append(i).append('"');
                }
                int rootEnd = xml.indexOf('>', xml.indexOf("Response"));
                yield new String[] {insert(xml, Math.max(rootEnd, 0), declarations.toString()), count + " namespace declarations"};
            }
            default -> {
                int size = c.pick(List.of(10_000, 200_000));
                yield new String[] {insert(xml, at, "<!--" + "x".repeat(size) + "-->"), "comment of " + size};
            }
        };
    }

    /** A position just after a '>' (between two tags or before text). */
    private static int tagBoundary(String xml, Choices c) {
        List<Integer> positions = new ArrayList<>();
        for (int i = xml.indexOf('>'); i >= 0 && positions.size() < 20_000; i = xml.indexOf('>', i + 1)) {
            positions.add(i + 1);
        }
        return positions.isEmpty() ? 0 : c.pick(positions);
    }

    /** A position inside a text segment, or a tag boundary if there is no text. */
    private static int insideText(String xml, Choices c) {
        List<int[]> segments = new ArrayList<>();
        Matcher m = TEXT_SEGMENT.matcher(xml);
        while (m.find() && segments.size() < 20_000) {
            if (!m.group(1).isBlank()) {
                segments.add(new int[] {m.start(1), m.end(1)});
            }
        }
        if (segments.isEmpty()) {
            return tagBoundary(xml, c);
        }
        int[] segment = c.pick(segments);
        return segment[0] + c.below(segment[1] - segment[0] + 1);
    }

    private static String withoutDeclaration(String xml) {
        return xml.startsWith("<?xml") && xml.indexOf("?>") > 0 ? xml.substring(xml.indexOf("?>") + 2) : xml;
    }

    private static String insert(String text, int at, String inserted) {
        return text.substring(0, at) + inserted + text.substring(at);
    }

    // ================================================================== bytes stage

    private static byte[] applyBytes(Op op, byte[] bytes, Choices c, StringBuilder detail) {
        if (bytes.length == 0) {
            detail.append("nothing left to change");
            return bytes;
        }
        int at = c.below(bytes.length);
        switch (op) {
            case FLIP_BIT -> {
                byte[] out = bytes.clone();
                int bit = c.below(8);
                out[at] ^= (byte) (1 << bit);
                detail.append("bit ").append(bit).append(" of byte ").append(at);
                return out;
            }
            case SET_BYTE -> {
                byte[] out = bytes.clone();
                int value = c.pick(List.of(0x00, 0xff, 0x80, (int) '<', (int) '>', (int) '&', (int) '"', (int) '\'', 0x1f, 0x7f));
                out[at] = (byte) value;
                detail.append("byte ").append(at).append(" = 0x").append(Integer.toHexString(value));
                return out;
            }
            case TRUNCATE -> {
                detail.append("at ").append(at);
                return Arrays.copyOf(bytes, at);
            }
            case DELETE_RANGE -> {
                int length = Math.min(bytes.length - at, 1 + c.below(64));
                detail.append(length).append(" bytes at ").append(at);
                return concat(Arrays.copyOfRange(bytes, 0, at), Arrays.copyOfRange(bytes, at + length, bytes.length));
            }
            case DUPLICATE_RANGE -> {
                int length = Math.min(bytes.length - at, 1 + c.below(256));
                detail.append(length).append(" bytes at ").append(at);
                return concat(Arrays.copyOfRange(bytes, 0, at + length), Arrays.copyOfRange(bytes, at, bytes.length));
            }
            case INSERT_BYTES -> {
                int[] inserted = c.pick(List.of(new int[] {0x00}, new int[] {0xff}, new int[] {0xc0, 0x80},
                        new int[] {0xed, 0xa0, 0x80}, new int[] {0xef, 0xbb, 0xbf}, new int[] {0xf4, 0x90, 0x80, 0x80},
                        new int[] {0xc3}, new int[] {0xfe, 0xff}));
                byte[] piece = new byte[inserted.length];
                for (int i = 0; i < inserted.length; i++) {
                    piece[i] = (byte) inserted[i];
                }
                detail.append(Arrays.toString(inserted)).append(" at ").append(at);
                return concat(Arrays.copyOfRange(bytes, 0, at), piece, Arrays.copyOfRange(bytes, at, bytes.length));
            }
            case RE_ENCODE -> {
                return reencode(bytes, c, detail);
            }
            default -> throw new AssertionError(op);
        }
    }

    private static byte[] reencode(byte[] bytes, Choices c, StringBuilder detail) {
        String xml = withoutDeclaration(new String(bytes, StandardCharsets.UTF_8));
        switch (c.below(6)) {
            case 0 -> {
                detail.append("UTF-16 with byte order mark and declaration");
                return ("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + xml).getBytes(StandardCharsets.UTF_16);
            }
            case 1 -> {
                detail.append("UTF-16LE, declared UTF-16, no byte order mark");
                return ("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + xml).getBytes(StandardCharsets.UTF_16LE);
            }
            case 2 -> {
                detail.append("UTF-16BE without declaration or byte order mark");
                return xml.getBytes(StandardCharsets.UTF_16BE);
            }
            case 3 -> {
                detail.append("UTF-8 byte order mark");
                return concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, xml.getBytes(StandardCharsets.UTF_8));
            }
            case 4 -> {
                detail.append("UTF-32 declared");
                return ("<?xml version=\"1.0\" encoding=\"UTF-32\"?>" + xml).getBytes(Charset.forName("UTF-32"));
            }
            default -> {
                // A DOCTYPE the byte-level check cannot see: the parser itself must refuse it.
                detail.append("UTF-16 with a DOCTYPE");
                return ("<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE r [<!ENTITY x \"y\">]>" + xml)
                        .getBytes(StandardCharsets.UTF_16);
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    // ================================================================== base64 stage

    private static String applyBase64(Op op, String field, Choices c, StringBuilder detail) {
        int at = c.below(field.length() + 1);
        switch (op) {
            case LINE_BREAKS -> {
                int every = c.pick(List.of(1, 4, 64, 76, 1 + c.below(200)));
                String newline = c.pick(List.of("\n", "\r\n", "\r"));
                detail.append("every ").append(every);
                StringBuilder out = new StringBuilder(field.length() * 2);
                for (int i = 0; i < field.length(); i += every) {
                    out.append(field, i, Math.min(field.length(), i + every)).append(newline);
                }
                return out.toString();
            }
            case BLANKS -> {
                int count = c.pick(List.of(1, 10, 100));
                StringBuilder out = new StringBuilder(field);
                for (int i = 0; i < count; i++) {
                    out.insert(c.below(out.length() + 1), c.oneIn(2) ? ' ' : '\t');
                }
                detail.append(count);
                return out.toString();
            }
            case INVALID_CHARACTER -> {
                String bad = c.pick(List.of("*", "%", "-", "_", ".", ":", "!", "@", "#", "$", "&", "(", "[", "{", "|", "\\",
                        "\"", "'", "<", "?", ",", ";", "~", "^", "\u00e9", "\u00a0", "\u2028", "\u0000", "\ufeff"));
                detail.append("U+").append(Integer.toHexString(bad.charAt(0))).append(" at ").append(at);
                return c.oneIn(2) || at == field.length() ? insert(field, at, bad) : field.substring(0, at) + bad + field.substring(at + 1);
            }
            case PADDING -> {
                switch (c.below(4)) {
                    case 0 -> {
                        detail.append("stripped");
                        return field.replace("=", "");
                    }
                    case 1 -> {
                        detail.append("one more");
                        return field + "=";
                    }
                    case 2 -> {
                        detail.append("inside at ").append(at);
                        return insert(field, at, "=");
                    }
                    default -> {
                        detail.append("four more");
                        return field + "====";
                    }
                }
            }
            case URL_SAFE -> {
                return field.replace('+', '-').replace('/', '_');
            }
            case TRUNCATE_BASE64 -> {
                int cut = Math.min(field.length(), c.pick(List.of(1, 2, 3, 4, 1 + c.below(Math.max(1, field.length())))));
                detail.append(cut).append(" characters");
                return field.substring(0, field.length() - cut);
            }
            case DOUBLE_ENCODING -> {
                return Base64.getEncoder().encodeToString(field.getBytes(StandardCharsets.US_ASCII));
            }
            case FLIP_CASE -> {
                for (int i = 0; i < 16 && field.length() > 0; i++) {
                    int j = c.below(field.length());
                    char ch = field.charAt(j);
                    if (Character.isLetter(ch)) {
                        char flipped = Character.isUpperCase(ch) ? Character.toLowerCase(ch) : Character.toUpperCase(ch);
                        detail.append("at ").append(j);
                        return field.substring(0, j) + flipped + field.substring(j + 1);
                    }
                }
                return field;
            }
            case EMPTY_FIELD -> {
                String blank = c.pick(List.of("", " ", "\n", "="));
                detail.append("[").append(blank.replace("\n", "\\n")).append("]");
                return blank;
            }
            case HUGE_FIELD -> {
                int target = c.pick(List.of(300_000, 524_288, 600_000));
                StringBuilder out = new StringBuilder(target + field.length());
                while (out.length() < target) {
                    out.append(field.isEmpty() ? "AAAA" : field);
                }
                detail.append(out.length()).append(" characters");
                return out.toString();
            }
            case FIELD_PREFIX -> {
                String prefix = c.pick(List.of("data:application/xml;base64,", "SAMLResponse=", " "));
                detail.append("[").append(prefix).append("]");
                return prefix + field;
            }
            default -> throw new AssertionError(op);
        }
    }

    // ================================================================== plumbing

    static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Parses trusted seed XML (test side; no DOCTYPE ever). */
    static Document parse(String xml) {
        try {
            return BUILDER.get().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("seed is not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** The document as UTF-8 XML text, without declaration and without re-indenting. */
    static String serialize(Document doc) {
        try {
            StringWriter out = new StringWriter();
            SERIALIZER.get().transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (TransformerException | RuntimeException e) {
            SERIALIZER.remove();
            throw new IllegalStateException("cannot serialize the mutated DOM", e);
        }
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Transformer newSerializer() {
        try {
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            return transformer;
        } catch (TransformerConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String value) {
        String oneLine = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return oneLine.length() > 80 ? oneLine.substring(0, 80) + "...(" + value.length() + " chars)" : oneLine;
    }
}
