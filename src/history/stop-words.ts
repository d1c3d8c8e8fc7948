/**
 * A small English stop list for topic counts: function words, chat filler and the generic verbs
 * of questions ("show", "want"), which say nothing about what a conversation is about.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are aren as at be because been before being below ' +
    'between both but by can cannot could couldn did didn do does doesn doing don down during each else ever few ' +
    'for from further get got had hadn has hasn have haven having he her here hers herself him himself his how ' +
    'however i if in into is isn it its itself just let like ll me might more most much must mustn my myself no ' +
    'nor not now of off on once only or other ought our ours ourselves out over own please re really same shall ' +
    'shan she should shouldn so some such than thank thanks that the their theirs them themselves then there ' +
    'these they this those through to too under until up us ve very was wasn we were weren what when where which ' +
    'while who whom why will with won would wouldn yes yet you your yours yourself yourselves ' +
    'hi hello hey ok okay sure maybe one two also still well need needs want wants show tell know think make ' +
    'give find look looking see go going get gets getting may many lot lots thing things something anything ' +
    'able via per etc'
  ).split(' '),
)
