import { describe, expect, it } from 'vitest'
import { limits } from '../limits.js'
import { historyPage, historyWindow } from './history-window.js'

describe('historyWindow', () => {
  describe('when the client names no cursor and no limit', () => {
    it('cuts the default page from the newest end', () => {
      expect(historyWindow({})).toEqual({ limit: limits.messagesPageDefault, order: 'descending' })
      expect(historyWindow({ beforeSeq: 40, limit: 5 })).toEqual({ limit: 5, order: 'descending' })
    })
  })

  describe('when the client catches up after a seq', () => {
    it('cuts the page from just above it', () => {
      expect(historyWindow({ afterSeq: 7, limit: 3 })).toEqual({ limit: 3, order: 'ascending' })
    })
  })
})

describe('historyPage', () => {
  describe('when one row more than the limit was fetched', () => {
    it('drops it and says more exist, oldest first when scrolling back', () => {
      expect(historyPage([9, 8, 7], { limit: 2, order: 'descending' })).toEqual({ items: [8, 9], hasMore: true })
      expect(historyPage([4, 5, 6], { limit: 2, order: 'ascending' })).toEqual({ items: [4, 5], hasMore: true })
    })
  })

  describe('when the rows fit the limit', () => {
    it('keeps them all and says nothing more exists', () => {
      expect(historyPage([3, 2, 1], { limit: 3, order: 'descending' })).toEqual({ items: [1, 2, 3], hasMore: false })
    })
  })
})
