/**
 * Two readouts of the same call, written for these tests after the pattern of the 21 October 2022
 * Austin–Shoigu call as the press reported it: each side says who asked, both say Ukraine was
 * discussed, and each says something the other leaves out (Washington: lines of communication,
 * no pretext for escalation; Moscow: a "dirty bomb"). Paraphrases, not quotations.
 */
export const WASHINGTON_READOUT =
  "Secretary Austin spoke by phone with Minister Shoigu at the Secretary's initiative. " +
  "They discussed the war in Ukraine. " +
  "Secretary Austin stressed the importance of keeping lines of communication open. " +
  "He rejected any pretext for Russian escalation.";

/** Moscow's readout in its own language. */
export const MOSCOW_READOUT_RU =
  "По просьбе американской стороны министр Шойгу провёл телефонный разговор с министром Остином. " +
  "Обсуждались актуальные вопросы международной безопасности, включая ситуацию на Украине. " +
  "Министр Шойгу выразил обеспокоенность возможными провокациями Киева с применением «грязной бомбы».";

/** Moscow's own English translation of its readout. */
export const MOSCOW_READOUT_EN =
  "At the request of the American side, Minister Shoigu held a telephone conversation with Secretary Austin. " +
  "Topical questions of international security, including the situation in Ukraine, were discussed. " +
  "Minister Shoigu voiced concern about possible provocations by Kyiv involving the use of a dirty bomb.";
