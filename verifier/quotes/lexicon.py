"""Word lists for attribution: speech verbs, cue nouns, titles, pronouns, role nouns.

Data only, so that the rules in ``verifier.quotes.attribution`` stay readable. Every list is general
English newswriting vocabulary; nothing here names a particular article or person.
"""
from __future__ import annotations

import functools

# Base forms of verbs that introduce or report speech, writing or a stance.
_SPEECH_VERBS = """
say tell add write tweet post ask note explain argue claim insist warn emphasize emphasise stress
declare announce state continue recall reply respond answer acknowledge admit concede suggest
predict promise vow pledge boast joke quip muse shout yell scream whisper remark observe comment
conclude complain lament charge accuse blast slam criticize criticise mock tout praise call describe
dub label testify report mention caution counter retort snap fume sigh laugh cry confirm deny
disclose reveal reiterate recount elaborate interject interrupt assert contend maintain posit opine
wonder question urge demand plead beg inform assure reassure agree disagree cite quote text email
message chant sing read proclaim pronounce protest object grumble gripe rail rant lash thunder
concur affirm allege aver attest avow brag confide confess divulge exclaim grouse hint imply
mutter murmur mumble narrate relate repeat signal summarize summarise swear theorize theorise
volunteer welcome speculate estimate figure reckon predict forecast advise recommend propose
offer counsel instruct order command direct request tease taunt jeer scoff sneer marvel gush rave
acknowledge concede lecture preach pontificate insist reason point characterize characterise
recommend caution deride decry denounce condemn dismiss scold chide rebuke reprimand berate
describe brand term bemoan knock hit rip decry lambast ridicule
assail attack fault thank acknowledge reaffirm rebut refute dispute concur dub indicate echo
boom bellow thunder roar fire remember react talk surmise voice exhort bark""".split()

_IRREGULAR = {
    "say": ["said", "says", "saying"], "tell": ["told", "tells", "telling"],
    "write": ["wrote", "writes", "writing", "written"], "read": ["reads", "reading"],
    "swear": ["swore", "swears", "swearing", "sworn"],
    "sing": ["sang", "sings", "singing"], "cry": ["cried", "cries", "crying"],
    "reply": ["replied", "replies", "replying"], "testify": ["testified", "testifies", "testifying"],
    "deny": ["denied", "denies", "denying"], "quip": ["quipped", "quips", "quipping"],
    "snap": ["snapped", "snaps", "snapping"], "slam": ["slammed", "slams", "slamming"],
    "admit": ["admitted", "admits", "admitting"], "dub": ["dubbed", "dubs", "dubbing"],
    "label": ["labeled", "labelled", "labels", "labeling", "labelling"],
    "figure": ["figured", "figures", "figuring"], "theorize": ["theorized", "theorizes", "theorizing"],
    "volunteer": ["volunteered", "volunteers", "volunteering"], "rebuke": ["rebuked", "rebukes"],
}


def _inflect(verb: str) -> list[str]:
    if verb in _IRREGULAR:
        return [verb, *_IRREGULAR[verb]]
    if verb.endswith("e"):
        return [verb, verb + "d", verb + "s", verb[:-1] + "ing"]
    if verb.endswith(("sh", "ch", "ss", "x")):
        return [verb, verb + "ed", verb + "es", verb + "ing"]
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return [verb, verb[:-1] + "ied", verb[:-1] + "ies", verb + "ing"]
    return [verb, verb + "ed", verb + "s", verb + "ing"]


# "pressed" (“…?” Hannity pressed), but not "press", the noun of "press secretary".
SPEECH_VERBS: frozenset[str] = frozenset(f for v in _SPEECH_VERBS for f in _inflect(v)) | {"pressed"}
# Speech verbs whose "that"-clause is what someone else said: "Jones denied claims that “…”".
DOUBTING_VERBS = frozenset(f for v in "deny dismiss reject dispute refute question doubt agree ask wonder".split()
                           for f in _inflect(v))
# Cue verbs that usually name what a quote is called rather than report speech: a quote after
# them is still the subject's words ("called it a 'disaster'"), but they never start a statement.
LABEL_VERBS = frozenset(_inflect("call") + _inflect("describe") + _inflect("dub") + _inflect("label")
                        + _inflect("brand") + _inflect("term") + _inflect("characterize"))
# Verbs that report a belief or stance; they attribute a quote in the same sentence.
STANCE_VERBS = frozenset(f for v in """think believe feel hope fear want see know expect worry
consider regard view find show seem appear plan seek decline refuse accept support oppose back
endorse reject vow defend push pitch frame cast lay paint liken compare blame credit thank
apologize apologise""".split() for f in _inflect(v)) | {"thought", "felt", "knew", "saw", "sought",
                                                         "found", "shown", "seen", "known"}

# Words that can stand between a subject and its verb: "Trump also said", "he has repeatedly said".
VERB_ADVERBS = frozenset("""also later then again once still further further had has have had
would will could might may should did does do was is were are been be being reportedly repeatedly
previously recently frequently often simply flatly quickly bluntly publicly privately later earlier
angrily quietly loudly firmly calmly proudly openly curtly tersely sharply pointedly jokingly
finally initially first last since originally immediately subsequently separately similarly
likewise elsewhere never not always already just even only herself himself themselves itself
now however though meanwhile too instead
""".split())

# Indefinite pronouns: a speaker the article does not name ("Someone called it …"), never a name.
INDEFINITE_PRONOUNS = frozenset("someone somebody nobody everyone everybody anyone anybody".split())
PRONOUNS = frozenset("he she they i we it you".split()) | INDEFINITE_PRONOUNS   # subject pronouns
OBJECT_PRONOUNS = {"him": "m", "her": "f", "them": "p"}
POSSESSIVE_PRONOUNS = {"his": "m", "her": "f", "their": "p", "its": "n"}

DETERMINERS = frozenset("""the a an this that these those his her their its our my your one another
some many several two three four five six seven eight nine ten dozens hundreds other both most
few all each every any such no""".split())

# Honorifics and titles that precede a name and are not part of it.
TITLES = frozenset("""mr mrs ms miss dr sen rep gov lt gen col sgt capt adm prof rev hon maj cmdr
president vice secretary senator governor mayor representative congressman congresswoman
chairman chairwoman chair speaker leader minister ambassador judge justice general colonel
captain sergeant officer detective chief commissioner director attorney sheriff pope rabbi
father sister brother bishop archbishop cardinal imam sheikh king queen prince princess lord lady sir dame
former then candidate nominee premier chancellor prime deputy acting assistant associate
state house senate democratic republican gop democrat independent first spokesman spokeswoman
spokesperson councilman councilwoman council member delegate treasurer comptroller commander
prosecutor lawyer professor doctor dean coach reverend pastor pres sec amb supt insp det
councillor councilor alderman alderwoman assemblyman assemblywoman assemblymember
""".split())
ABBREVIATIONS = frozenset("""mr mrs ms dr sen rep gov lt gen col sgt capt adm prof rev hon maj cmdr
jr sr st mt ft pres sec amb supt insp det no vs jan feb mar apr aug sept sep oct nov dec corp inc
ltd co univ dept est approx ave blvd""".split())
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Lower-case words inside names: Ludwig van Beethoven, Bill de Blasio, Osama bin Laden.
NAME_PARTICLES = frozenset("van von der den de del della di da du la le al el bin ibn ben abu ul".split())

# Nouns for people and bodies that can be the subject of a cue verb ("the senator said").
ROLE_NOUNS = frozenset("""spokesman spokeswoman spokesperson spokespeople official officials aide aides
adviser advisers advisor advisors campaign ministry department agency office government president
senator governor mayor chairman chairwoman chair secretary director representative lawmaker
lawmakers leader leaders minister candidate nominee analyst analysts expert experts economist
economists strategist strategists source sources critic critics supporter supporters voter voters
people residents police statement report study poll survey author authors researcher researchers
group groups organization company firm spokesmen committee commission court judge lawyer lawyers
attorney attorneys prosecutor prosecutors investigator investigators manager executive executives
founder president-elect pollster pollsters scholar scholars professor historian observers activist
activists organizer organizers member members delegate delegates donor donors chief commander
ambassador envoy diplomat diplomats administration white house military army army's navy party
newspaper paper network magazine website outlet post editorial memo letter filing complaint
lawsuit ruling order release speech ad advertisement video tweet message email statement
billionaire businessman businesswoman mogul developer host anchor reporter journalist columnist
writer commentator pundit congressman congresswoman senators governors mayors candidates nominees
officer officers agent agents soldier soldiers veteran veterans worker workers student students
teacher parent parents mother father wife husband son daughter friend friends neighbor neighbors
woman women man men person voters attendees protesters demonstrators fans audience crowd
rival rivals opponent opponents challenger incumbent counterpart colleague colleagues partner
council board union association coalition alliance network foundation institute center centre
bank fund ministry's regime army police spokesperson's cleric clerics witness witnesses victim
victims family families relatives insider insiders staff staffer staffers operative operatives
consultant consultants pollster chairman's director's sponsor sponsors backer backers ally allies
physician physicians doctor doctors narrator moderator pastor retiree retirees resident owner
owners ceo protester sister brother editor editors blogger scientist scientists employee
employees lobbyist lobbyists respondents photo image sign poster banner billboard flyer mailer
headline caption
""".split())

# Phrases right before a quote that make it a name, title or label rather than speech.
TERM_LEADS = ("so-called", "so called", "dubbed", "nicknamed", "known as", "titled", "entitled",
              "headlined", "named", "labeled", "labelled", "termed", "the word", "the words",
              "the phrase", "the term", "the slogan", "the hashtag", "the label", "the name",
              "the title", "hashtag", "slogan", "motto", "tagline", "banner", "headline")

# Common given names with a usual gender, to pick the right antecedent for "he" and "she" (and to
# tell where a name starts); the public records' many more: ``recorded_gender``.
FEMALE_NAMES = frozenset("""mary patricia jennifer linda elizabeth barbara susan jessica sarah karen
nancy lisa betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa
deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma
nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather diane
ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea
cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice jean abigail
alice judy sophia grace denise amber doris marilyn danielle beverly isabella theresa diana natalie
brittany charlotte marie kayla alexis lori hillary hilary chelsea ivanka melania nancy elizabeth
sarah condoleezza madeleine nikki kellyanne huma hope sheryl carly michele jill debbie marsha
angela theresa ilse hanna ingrid greta astrid freya elke ulla mara lena nora ada""".split())
MALE_NAMES = frozenset("""james robert john michael david william richard joseph thomas charles
christopher daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george
timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin
scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron
jose adam nathan henry douglas zachary peter kyle ethan walter noah jeremy christian keith roger
terry gerald harold sean austin carl arthur lawrence dylan jesse jordan bryan billy joe bruce
gabriel logan albert willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby
mason philip louis barack bernie bill ted marco jeb ben chris mike rand rick newt mitt lindsey
reince corey jared rudy rudy jeff tim hugh ron harry mitch chuck al dick rob bob tom jim dan
sabah mohammed muhammad ahmed ali omar hassan arvid erik lars sven jan piet rene tomas""".split())


def recorded_gender(name: str) -> str | None:
    """"f" or "m" for a lower-case given name US public records give one sex at least 95 % of the
    time (``given_names.txt``, built by ``benchmarks/build_given_names.py`` from the Social
    Security Administration's baby-name files). Many are words too ("Will", "West", "Jackson"):
    they tell the gender of a name already read as a person's, never that a word is a name."""
    return _recorded_genders().get(name)


@functools.cache
def _recorded_genders() -> dict[str, str]:
    """The file, read once, when a name first needs it (not at start-up)."""
    from importlib import resources

    text = resources.files("verifier.quotes").joinpath("given_names.txt").read_text(encoding="utf-8")
    return dict(line.split() for line in text.splitlines())


# Verbs of a reply: after a quote that ends its sentence, "Brann replied, “…”" introduces the next
# quote ("shot back", "fired back", "hit back" by their "back").
REPLY_VERBS = frozenset("""replied replies responded responds answered answers countered counters retorted
retorts""".split()) | {"back"}

# Nouns of speech that cue a quote: "in a statement", "Smith's interview".
CUE_NOUNS = frozenset("""statement interview tweet post posting remarks speech letter op-ed
editorial email e-mail memo message column essay op ed press release conference briefing
testimony address podcast appearance blog video book memoir claim assertion told""".split())

# Places a news article names like people (capitalised, often subjects: "Iowa votes Monday"): the US
# states, the countries of the world and the largest cities. Never the antecedent of "he" or "she",
# never a speaker. (Places that are also common given names — Jordan, Chad, Charlotte, Georgia,
# Virginia — are left out: an article may call a person by that name alone.)
PLACES = frozenset(p.lower() for p in """
Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Hawaii|Idaho|
Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|
Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|
North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|
South Dakota|Tennessee|Texas|Utah|Vermont|Washington|West Virginia|Wisconsin|Wyoming|
District of Columbia|Puerto Rico|Guam|
United States|United States of America|U.S.|US|USA|U.S.A.|America|Afghanistan|Albania|Algeria|Andorra|
Angola|Argentina|Armenia|Australia|Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|
Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|
Cambodia|Cameroon|Canada|Chile|China|Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|
Czech Republic|Denmark|Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|El Salvador|Eritrea|
Estonia|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|
Guyana|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|
Kazakhstan|Kenya|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|
Lithuania|Luxembourg|Macedonia|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Mauritania|Mauritius|
Mexico|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Burma|Namibia|Nepal|
Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|South Korea|Korea|Norway|Oman|Pakistan|
Palestine|Panama|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Romania|Russia|Rwanda|
Saudi Arabia|Senegal|Serbia|Sierra Leone|Singapore|Slovakia|Slovenia|Somalia|South Africa|
South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|
Thailand|Togo|Tunisia|Turkey|Turkmenistan|Uganda|Ukraine|United Arab Emirates|United Kingdom|U.K.|
UK|Britain|Great Britain|England|Scotland|Wales|Uruguay|Uzbekistan|Venezuela|Vietnam|Yemen|Zambia|
Zimbabwe|Europe|Asia|Africa|Latin America|South America|North America|Middle East|Gaza|West Bank|
Crimea|Hong Kong|Tehran|Moscow|Beijing|London|Paris|Berlin|Brussels|Tokyo|Jerusalem|Baghdad|Kabul|
Damascus|Havana|Mexico City|Ottawa|Toronto|Chicago|Los Angeles|San Francisco|Boston|Philadelphia|
Houston|Dallas|Miami|Atlanta|Detroit|Cleveland|Phoenix|Seattle|Denver|Las Vegas|Baltimore|
Milwaukee|Orlando|Manhattan|Brooklyn|Silicon Valley|Capitol Hill|Wall Street""".replace("\n", "").split("|"))
