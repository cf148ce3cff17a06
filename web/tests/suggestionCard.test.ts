import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import SuggestionCard, { type Suggestion } from '../src/components/SuggestionCard.vue'
import { i18n } from '../src/i18n'

const waiting: Suggestion = {
  __typename: 'Suggestion',
  id: 'S1',
  title: '增加院落休息座椅',
  body: '老人散步时没有地方休息。',
  status: 'SUBMITTED',
  createdAt: '2026-11-02T02:00:00Z',
  reviewNote: null,
  pointsAwarded: 0,
  author: { __typename: 'User', id: 'U1', displayName: '黄志强' },
}

function card(suggestion: Suggestion, slot = '') {
  return mount(SuggestionCard, {
    props: { suggestion },
    attrs: { 'data-testid': 'my-suggestion' },
    slots: { default: slot },
    global: { plugins: [i18n] },
  })
}

describe('SuggestionCard', () => {
  it('shows the title, the body and the status, and no answer before there is one', () => {
    const wrapper = card(waiting)
    expect(wrapper.find('h3').text()).toBe('增加院落休息座椅')
    expect(wrapper.text()).toContain('老人散步时没有地方休息。')
    expect(wrapper.find('.badge').text()).toBe('待答复')
    expect(wrapper.find('.badge').classes()).toContain('warn')
    expect(wrapper.text()).not.toContain('社区答复')
  })

  it("colours the status and shows the community's answer", () => {
    const adopted = card({ ...waiting, status: 'ADOPTED', reviewNote: '下月安装六张座椅。' })
    expect(adopted.find('.badge').classes()).toContain('ok')
    expect(adopted.text()).toContain('社区答复：下月安装六张座椅。')
    expect(card({ ...waiting, status: 'DECLINED' }).find('.badge').classes()).toContain('bad')
  })

  it('adds what the list gives it below, and keeps the attributes the tests find it by', () => {
    const wrapper = card(waiting, '<p class="muted">黄志强</p>')
    expect(wrapper.findAll('p').at(-1)?.text()).toBe('黄志强')
    expect(wrapper.attributes('data-testid')).toBe('my-suggestion')
  })
})
