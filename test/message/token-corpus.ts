// A mixed corpus for token estimates: English prose, code, JSON tool traffic, CJK, Cyrillic and
// emoji-heavy chat, each cut into samples of many lengths. Deterministic (a seeded generator for
// the JSON), so the "never below the real count" test is exact, not statistical.
import { rng } from '../helpers/rng.js'

/** The categories the estimate is measured on. */
export type TokenCategory = 'english' | 'code' | 'json' | 'cjk' | 'cyrillic' | 'emoji'

/** One text of the corpus. */
export interface TokenSample {
  readonly category: TokenCategory
  readonly text: string
}

const english = [
  'Any 2BHK in Whitefield under ninety lakh? We would like a balcony, covered parking and a school within walking distance.',
  'Sure! I found three flats that match: Lakeside Towers (88 lakh, 1,240 sq ft), Palm Grove (84 lakh, east-facing) and Green Acres, which is slightly over budget but has a clubhouse. Shall I book visits for Saturday morning?',
  'The quarterly report shows revenue up 12.4% year over year, driven mostly by subscription renewals in the enterprise segment; churn fell to 3.1%, the lowest since 2019.',
  "I'm sorry, but I can't share another customer's order details. If you have the order number, I can check the delivery status of your own purchases.",
  'To reset your password, open Settings, choose Security, and click "Forgot password". You will receive an e-mail with a link that expires in 30 minutes.',
  'Photosynthesis converts light energy into chemical energy: chlorophyll absorbs photons, water is split, and carbon dioxide is fixed into sugars through the Calvin cycle.',
  'Meeting notes, Tuesday: Priya will draft the migration plan; Tom owns the rollback procedure; we revisit the Redis Cluster sizing after the load test on the 14th.',
  'Honestly, the pasta was overcooked and the sauce needed salt, but the tiramisu made up for it. Service was quick and friendly; I would go back for dessert alone.',
  "Q: What's the difference between a mutex and a semaphore? A: A mutex guards one resource and has an owner; a semaphore counts permits and anyone may release one.",
  'Dear hiring team, I am writing to apply for the senior backend engineer position. Over the past six years I have built payment systems handling 40,000 requests per second.',
  'Antidisestablishmentarianism, pneumonoultramicroscopicsilicovolcanoconiosis and floccinaucinihilipilification are famously long English words rarely seen in conversation.',
  'Ship to: 221B Baker Street, London NW1 6XE. Tracking: 1Z999AA10123456784. Estimated delivery 2026-03-14 between 09:00 and 13:00 (UTC+0).',
]

const code = [
  "export async function getUserById(id: string): Promise<User | undefined> {\n  const row = await db.query('SELECT * FROM users WHERE id = $1', [id])\n  return row.rows[0] ? mapUser(row.rows[0]) : undefined\n}",
  'def fibonacci(n: int) -> list[int]:\n    seq = [0, 1]\n    while len(seq) < n:\n        seq.append(seq[-1] + seq[-2])\n    return seq[:n]\n\nprint(fibonacci(10))',
  "SELECT o.id, o.created_at, SUM(l.qty * l.unit_price) AS total\nFROM orders o JOIN order_lines l ON l.order_id = o.id\nWHERE o.created_at >= NOW() - INTERVAL '30 days'\nGROUP BY o.id\nORDER BY total DESC\nLIMIT 20;",
  '#!/usr/bin/env bash\nset -euo pipefail\nfor f in ./logs/*.gz; do\n  zcat "$f" | grep -E "ERROR|FATAL" >> errors.txt || true\ndone\necho "done: $(wc -l < errors.txt) lines"',
  'const cache = new LRUCache<string, number>({ max: 10_000, ttl: 60_000 })\nfor (const [k, v] of Object.entries(scores)) cache.set(k, v ?? 0)\nconsole.log(cache.size, cache.get("user:42"))',
  'impl<T: Ord + Clone> BinaryHeap<T> {\n    pub fn push(&mut self, item: T) {\n        self.data.push(item);\n        let mut i = self.data.len() - 1;\n        while i > 0 && self.data[(i - 1) / 2] < self.data[i] {\n            self.data.swap(i, (i - 1) / 2);\n            i = (i - 1) / 2;\n        }\n    }\n}',
  '<div className="card">\n  <img src={item.thumbnailUrl} alt={item.name} />\n  <button onClick={() => addToCart(item.sku, 1)} disabled={!item.inStock}>Add</button>\n</div>',
  'func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {\n\tw.Header().Set("Content-Type", "application/json")\n\t_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "uptime": time.Since(s.start).Seconds()})\n}',
  'local key = KEYS[1]\nlocal now = tonumber(ARGV[1])\nredis.call("ZREMRANGEBYSCORE", key, 0, now - 60000)\nif redis.call("ZCARD", key) >= tonumber(ARGV[2]) then return 0 end\nredis.call("ZADD", key, now, ARGV[3])\nreturn 1',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell code, not a template
  'x=$(( (a<<3) ^ (b>>2) )); [[ $x -gt 0x7fff ]] && echo "${arr[@]:1:3}" || printf "%08x\\n" "$x"',
]

const cjk = [
  '请问白田区有没有九十万以内的两居室？我们希望有阳台、带车位，最好步行就能到学校。',
  '我找到了三套符合条件的房子：湖畔大厦八十八万，棕榈园八十四万朝东，绿地稍微超出预算但有会所。要我帮您预约周六上午看房吗？',
  '光合作用把光能转化为化学能：叶绿素吸收光子，水被分解，二氧化碳通过卡尔文循环被固定成糖类。',
  '本季度报告显示，营收同比增长百分之十二点四，主要来自企业客户的订阅续费；流失率降至百分之三点一，为二零一九年以来最低。',
  '東京の天気は明日晴れのち曇り、最高気温は二十三度の予想です。週末は雨が降る可能性があるので、傘を持って出かけてください。',
  'パスワードを再設定するには、設定を開いてセキュリティを選び、「パスワードを忘れた場合」をクリックしてください。三十分で期限が切れるリンクが届きます。',
  '이 제품은 내일까지 배송될 예정입니다. 주문 번호를 알려주시면 배송 상태를 바로 확인해 드리겠습니다.',
  '会議メモ：プリヤさんが移行計画の草案を作成し、トムさんがロールバック手順を担当します。負荷試験の後でクラスタの規模を見直します。',
  '龘靐齉爩鬱麤，这些生僻字在日常对话里几乎见不到，但输入法和分词器都得处理它们。',
  '服务员很热情，上菜也快，只是意大利面煮过头了，酱汁也偏淡；不过提拉米苏非常好吃，我愿意为了甜点再去一次。',
]

const cyrillic = [
  'Есть ли двухкомнатные квартиры в Уайтфилде до девяноста лакхов? Нам нужен балкон, крытая парковка и школа в пешей доступности.',
  'Я нашёл три подходящих варианта: «Лейксайд Тауэрс» за восемьдесят восемь лакхов, «Палм Гроув» с окнами на восток и «Грин Экрс», чуть дороже, зато с клубным домом.',
  'Фотосинтез превращает энергию света в химическую: хлорофилл поглощает фотоны, вода расщепляется, а углекислый газ связывается в сахара в цикле Кальвина.',
  'Квартальный отчёт показывает рост выручки на 12,4% год к году, в основном за счёт продлений подписок корпоративных клиентов; отток снизился до 3,1%.',
  'Чтобы сбросить пароль, откройте «Настройки», выберите «Безопасность» и нажмите «Забыли пароль». Ссылка в письме действует тридцать минут.',
  'Вибачте, але я не можу поділитися даними чужого замовлення. Якщо у вас є номер замовлення, я перевірю статус доставки ваших покупок.',
  'Здравствуйте! Подскажите, пожалуйста, можно ли вернуть товар без чека, если прошло меньше двух недель с момента покупки?',
  'Достопримечательности Санкт-Петербурга: Эрмитаж, Исаакиевский собор, Петропавловская крепость и разводные мосты белыми ночами.',
  'Заметки со встречи: Прия готовит план миграции, Том отвечает за откат, размер кластера Redis пересматриваем после нагрузочного теста четырнадцатого.',
  'Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний даст мощный толчок подъёму сельского хозяйства.',
]

const emoji = [
  'Great job team! 🎉🎉🎉 The launch went smoothly 🚀 and the dashboard is green ✅',
  'Good morning ☀️ Coffee first ☕ then the standup 🧑‍💻👩‍💻 see you at 10 ⏰',
  '👨‍👩‍👧‍👦👨‍👩‍👧‍👦 family trip to 🇯🇵🇫🇷🇮🇳 next summer! ✈️🏖️',
  'Thanks so much 🙏🏽🙏🏾🙏🏿 you are the best 💯🔥',
  '😀😃😄😁😆😅🤣😂🙂🙃😉😊😇🥰😍🤩😘😗☺️😚😙🥲',
  'Order #4521 📦 shipped 🚚 → arriving Tue 📅 (track it here 👉 https://t.co/x8Kd2)',
  'lol 😂😂 no way!!! 🤯🤯 did he really say that 👀',
  '🏳️‍🌈🏴‍☠️🏴󠁧󠁢󠁳󠁣󠁴󠁿 1️⃣2️⃣3️⃣ #️⃣ 🧑🏻‍🤝‍🧑🏿 👩🏽‍🔬',
  'Привет 👋 как дела? 你好 😊 こんにちは 🌸',
  '❤️🧡💛💚💙💜🖤🤍🤎 love all the colours 🌈',
]

/** Splits prose into sentences (Latin, CJK and Cyrillic punctuation). */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?。！？])\s*/u).filter((s) => s.length > 0)
}

/** Each text, each sentence (each line of 12 or more characters, for code), and windows of two and three texts joined. */
function cut(category: TokenCategory, texts: readonly string[], joiner: string): TokenSample[] {
  const out: TokenSample[] = []
  for (const text of texts) {
    out.push({ category, text })
    const parts =
      category === 'code' ? text.split('\n').filter((l) => l.trim().length >= 12) : sentences(text)
    if (parts.length > 1) for (const s of parts) out.push({ category, text: s })
  }
  for (let i = 0; i + 1 < texts.length; i++) out.push({ category, text: texts[i]! + joiner + texts[i + 1]! })
  for (let i = 0; i + 2 < texts.length; i += 2)
    out.push({ category, text: texts.slice(i, i + 3).join(joiner) })
  return out
}

/** Tool calls and results as agents send them: ids, dates, numbers, URLs, nested lists; compact and pretty. */
function jsonTraffic(count: number): TokenSample[] {
  const rnd = rng(17)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const hex = (n: number) =>
    Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('')
  const b62 = (n: number) =>
    Array.from(
      { length: n },
      () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(rnd() * 62)],
    ).join('')
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`
  const words = [
    'blue',
    'tee',
    'size',
    'medium',
    'in_stock',
    'warehouse',
    'Bengaluru',
    'Paris',
    'express',
    'refund',
  ]
  const value = (depth: number): unknown => {
    const kind = Math.floor(rnd() * (depth > 2 ? 10 : 12))
    switch (kind) {
      case 7:
        return `sha256:${hex(64)}`
      case 8:
        return b62(32).replace(/[a-e]/g, '+').replace(/[f-h]/g, '/')
      case 9:
        return Math.floor(rnd() * 1e18)
      case 0:
        return uuid()
      case 1:
        return Math.floor(rnd() * 10 ** Math.floor(rnd() * 12))
      case 2:
        return Math.round(rnd() * 1e6) / 100
      case 3:
        return `2026-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}T0${Math.floor(rnd() * 9)}:${10 + Math.floor(rnd() * 49)}:00Z`
      case 4:
        return `${pick(words)} ${pick(words)}`
      case 5:
        return pick([true, false, null])
      case 6:
        return `https://cdn.example.com/${pick(words)}/${b62(10)}.jpg`
      case 10:
        return Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => value(depth + 1))
      default:
        return object(depth + 1)
    }
  }
  const keys = [
    'id',
    'sku',
    'order_id',
    'customer',
    'items',
    'qty',
    'price',
    'currency',
    'status',
    'created_at',
    'url',
    'tags',
    'meta',
    'warehouseCode',
    'isGift',
  ]
  const object = (depth: number) =>
    Object.fromEntries(Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => [pick(keys), value(depth)]))
  const out: TokenSample[] = []
  for (let i = 0; i < count; i++) {
    const body = object(0)
    const call = {
      id: `call_${b62(24)}`,
      type: 'function',
      function: { name: pick(['search_orders', 'get_stock', 'refund']), arguments: JSON.stringify(body) },
    }
    const text = pick([
      () => JSON.stringify(body),
      () => JSON.stringify(body, null, 2),
      () => JSON.stringify(call),
      () =>
        JSON.stringify({
          results: [object(1), object(1), object(1)],
          total: Math.floor(rnd() * 500),
          next: b62(16),
        }),
      () => JSON.stringify([object(1), object(1)], null, 2),
    ])()
    out.push({ category: 'json', text })
  }
  return out
}

/** The whole corpus, in a fixed order. */
export function tokenCorpus(): readonly TokenSample[] {
  return [
    ...cut('english', english, ' '),
    ...cut('code', code, '\n\n'),
    ...jsonTraffic(80),
    ...cut('cjk', cjk, ''),
    ...cut('cyrillic', cyrillic, ' '),
    ...cut('emoji', emoji, ' '),
  ]
}
